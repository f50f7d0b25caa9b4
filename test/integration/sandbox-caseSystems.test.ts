import { afterEach, describe, expect, it } from 'vitest';
import { start as startApi, type CaseSystemApiSandbox } from '../../src/sandbox/caseSystemApi.js';
import { parseLegacyAmount, start as startLegacy, type LegacyCaseSystem } from '../../src/sandbox/legacyCaseSystem.js';

/** The two case-system simulators over plain HTTP (the adapters' own tests use them end to end). */

let legacy: LegacyCaseSystem | undefined;
let api: CaseSystemApiSandbox | undefined;
afterEach(async () => {
  await legacy?.stop();
  await api?.stop();
  legacy = undefined;
  api = undefined;
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});

async function login(base: string): Promise<string> {
  const res = await fetch(`${base}/login`, form({ anvandare: 'robot', losenord: 'robot-lösen' }));
  expect(res.status).toBe(303);
  const cookie = /SESSID=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
  expect(cookie).toBeDefined();
  return cookie!;
}

const SAVE = { beslutsref: 'D-1', period: '2026-03', beslutstyp: 'BIFALL', totalbelopp: '7066', handlaggare: 'hl', antalrader: '2', typ_0: 'NORM', text_0: 'Riksnorm', belopp_0: '3 292,00', atgard: 'Spara' };

describe('legacy case-system UI simulator', () => {
  it('keeps every save (duplicates too), refuses a bad form, and sends an expired session to the login page without saving', async () => {
    legacy = await startLegacy({ cases: ['A-1'] });
    const base = legacy.url;
    expect((await fetch(`${base}/sok`, { redirect: 'manual' })).headers.get('location')).toBe('/login');
    expect(await (await fetch(`${base}/login`, form({ anvandare: 'robot', losenord: 'fel' }))).text()).toContain('Felaktigt');

    const cookie = await login(base);
    const save = () => fetch(`${base}/arende/A-1/berakning`, { ...form(SAVE), headers: { ...form(SAVE).headers, cookie } });
    const first = await save();
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/kvittens/KV-100001');
    expect((await save()).headers.get('location')).toBe('/kvittens/KV-100002');
    expect(legacy.entriesFor('D-1').map((e) => e.confirmation)).toEqual(['KV-100001', 'KV-100002']);
    expect(legacy.entries()[0]!.lines).toEqual([{ kind: 'NORM', label: 'Riksnorm', amount: '3292.00' }]);

    const refused = await fetch(`${base}/arende/A-1/berakning`, { ...form({ ...SAVE, period: '2026-13' }), headers: { ...form(SAVE).headers, cookie } });
    expect(refused.status).toBe(200);
    expect(await refused.text()).toContain('class="felmeddelande"');

    legacy.setFaults({ expireAt: { step: 'save' } });
    const expired = await save();
    expect(expired.headers.get('location')).toBe('/login?timeout=1');
    expect(legacy.entries()).toHaveLength(2);
    expect(legacy.faults().expireAt).toBeUndefined(); // used up
    expect(legacy.stats()).toMatchObject({ logins: 1, failedLogins: 1, saves: 2, refusedSaves: 1, sessionsExpired: 1 });
  });

  it('renames, faults and entries through the admin endpoints', async () => {
    legacy = await startLegacy();
    const base = legacy.url;
    const post = (path: string, body: unknown) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/__rename', { from: 'id="btnLoggaIn"', to: 'id="btnLogin"' })).status).toBe(200);
    const page = await (await fetch(`${base}/login`)).text();
    expect(page).toContain('id="btnLogin"');
    expect(page).not.toContain('btnLoggaIn');
    await fetch(`${base}/__rename`, { method: 'DELETE' });
    expect(await (await fetch(`${base}/login`)).text()).toContain('btnLoggaIn');

    expect((await post('/__faults', { latencyMs: 5, sessionMaxRequests: 3 })).status).toBe(200);
    expect(legacy.faults()).toEqual({ latencyMs: 5, sessionMaxRequests: 3 });
    expect((await post('/__faults', { expireAt: { step: 'nowhere' } })).status).toBe(400);
    expect(await (await fetch(`${base}/__entries`)).json()).toEqual([]);
  });

  it('opens dialogs on demand: a confirm or an alert on "Spara", one as the page of a step loads (text escaped)', async () => {
    legacy = await startLegacy({ cases: ['A-1'], faults: { saveDialog: { type: 'confirm', message: 'Vill du spara beslutet?' } } });
    const base = legacy.url;
    const cookie = await login(base);
    const get = async (path: string) => (await fetch(base + path, { headers: { cookie } })).text();
    const saveButton = async () => /<input type="submit" id="btnSpara"[^>]*>/.exec(await get('/arende/A-1/berakning'))?.[0];

    // A confirm decides whether the form is posted; an alert only informs.
    expect(await saveButton()).toBe('<input type="submit" id="btnSpara" name="atgard" value="Spara" onclick="return confirm(&quot;Vill du spara beslutet?&quot;);">');
    legacy.setFaults({ saveDialog: { type: 'alert', message: 'Obs: "spärrad"' } });
    expect(await saveButton()).toBe('<input type="submit" id="btnSpara" name="atgard" value="Spara" onclick="alert(&quot;Obs: \\&quot;spärrad\\&quot;&quot;); return true;">');

    // On the page of its step only; a message cannot end the script early.
    legacy.setFaults({ pageDialog: { step: 'form', type: 'alert', message: '</script><b>x</b>' } });
    expect(await get('/arende/A-1/berakning')).toContain('<script>alert("\\u003c/script>\\u003cb>x\\u003c/b>");</script></body>');
    expect(await get('/arende/A-1')).not.toContain('<script>');
    legacy.setFaults({ pageDialog: { step: 'case', type: 'confirm', message: 'Ärendet är låst. Fortsätt?' } });
    expect(await get('/arende/A-1')).toContain('<script>confirm("Ärendet är låst. Fortsätt?");</script>');

    const post = (body: unknown) => fetch(`${base}/__faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ saveDialog: { type: 'prompt', message: 'x' } })).status).toBe(400);
    expect((await post({ pageDialog: { step: 'login', type: 'alert', message: 'x' } })).status).toBe(400);
    expect((await post({ saveDialog: { type: 'confirm', message: 'Säker?' } })).status).toBe(200);
    expect(legacy.faults().saveDialog).toEqual({ type: 'confirm', message: 'Säker?' });
    legacy.clearFaults();
    expect(await saveButton()).toBe('<input type="submit" id="btnSpara" name="atgard" value="Spara">');
    expect(await get('/arende/A-1')).not.toContain('<script>');
  });

  it('reads Swedish amounts', () => {
    expect(parseLegacyAmount('3 292,50')).toBe('3292.50');
    expect(parseLegacyAmount('7066')).toBe('7066');
    expect(parseLegacyAmount('12,345')).toBeUndefined();
    expect(parseLegacyAmount('')).toBeUndefined();
  });
});

describe('case-system API simulator', () => {
  it('records once per decision id and exposes its decisions to the admin', async () => {
    api = await startApi();
    const body = { decisionId: 'D-9', municipality: '1287', month: '2026-03', outcome: 'GRANT', amount: '10', lines: [], signedBy: 'hl', signedAt: 'x', hash: 'a'.repeat(64) };
    const write = () => fetch(`${api!.url}/casesystem/v1/cases/A-1/decisions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(await (await write()).json()).toEqual({ decisionId: 'D-9', confirmation: 'VS-500001', hash: 'a'.repeat(64), created: true });
    expect(await (await write()).json()).toMatchObject({ confirmation: 'VS-500001', created: false });
    expect(await (await fetch(`${api.url}/casesystem/v1/cases/A-1/decisions/D-9`)).json()).toMatchObject({ recorded: true, confirmation: 'VS-500001' });
    expect(await (await fetch(`${api.url}/casesystem/v1/cases/A-1/decisions/D-10`)).json()).toEqual({ recorded: false });
    expect(await (await fetch(`${api.url}/__decisions`)).json()).toHaveLength(1);
    expect(api.posts('D-9')).toBe(2);
  });
});
