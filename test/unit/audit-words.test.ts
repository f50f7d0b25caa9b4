import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_WORDS, auditActionWords } from '../../src/domain/reasons.js';
import { auditDetailsWords } from '../../src/web/admin/auditWords.js';
import { staffDirectory } from '../../src/web/staff.js';

/**
 * The audit log as the admin and the auditor read it (/admin/logg, the rows behind a finding of
 * the log follow-up): actions, detail keys and coded values in Swedish words. Found by trying
 * the pages: "declaration.record", "steg: write-back · repeated: nej · reference: VS-500001".
 */
const names = (code: string) => ({ '1287': 'Trelleborgs kommun', '1263': 'Svedala kommun' })[code] ?? code;

describe('audit entries in words', () => {
  it.each([
    [{ step: 'write-back', repeated: false, reference: 'VS-500001', decisionId: '1' }, 'steg: återskrivning till verksamhetssystemet · upprepat anrop: nej · referens: VS-500001 · beslut nr: 1'],
    [{ step: 'payment', repeated: true, reference: 'UTB-1' }, 'steg: utbetalning · upprepat anrop: ja · referens: UTB-1'],
    [{ step: 'notify', reference: 'MED-1' }, 'steg: meddelande till den sökande · referens: MED-1'],
    // 07:30 UTC on a November day is 08:30 in Stockholm.
    [{ reference: 'MOTE-1', startsAt: '2026-11-30T07:30:00.000Z', existed: false }, 'referens: MOTE-1 · börjar: 2026-11-30 08:30:00 · fanns redan: nej'],
    [{ step: 'payment', component: 'payment', error: 'SystemException' }, 'steg: utbetalning · del: utbetalningssystemet · felklass: SystemException'],
    [{ appealId: '2', letter: 'covering' }, 'överklagande nr: 2 · brev: följebrev till förvaltningsrätten'],
    [{ reportId: '1', municipality: '1263', finding: 2 }, 'rapport nr: 1 · kommun: Svedala kommun · fynd nr: 2'],
    // Found by trying the pages: a log follow-up's period read as two users never signed in
    // ("till: 2026-11-29 (namnet okänt: har inte loggat in här)"), a possible återkrav's
    // figures as bare digits ("utbetalt: 41471").
    [{ to: '2026-11-29', from: '2026-11-01', kind: 'on-demand', findings: 18 }, 'till: 2026-11-29 · från: 2026-11-01 · slag: beställd · fynd: 18'],
    [{ paid: '41471', granted: '11471', decisionId: '2', difference: '30000' }, 'utbetalt: 41\u00a0471 kr · beviljat: 11\u00a0471 kr · beslut nr: 2 · skillnad: 30\u00a0000 kr'],
    // What it does not know is shown as it is, never dropped.
    [{ startsAt: 'inte en tid', step: 'okänt-steg' }, 'börjar: inte en tid · steg: okänt-steg'],
  ])('%j', (details, words) => {
    expect(auditDetailsWords(details, names, staffDirectory([]))).toBe(words);
  });

  it.each([
    ['declaration.record', 'Registrerade försäkran för SSBTEK'],
    ['declaration.end', 'Registrerade sista dag för försäkran för SSBTEK'],
    ['logfollowup.make', 'Gjorde en logguppföljning'],
    ['logfollowup.signoff', 'Markerade en logguppföljning som granskad'],
    ['stats.validate', 'Kontrollerade en statistikfil för Socialstyrelsen'],
  ])('%s', (action, words) => {
    expect(auditActionWords(action)).toBe(words);
  });

  it('every audit action the code writes has words', () => {
    const src = join(import.meta.dirname, '..', '..', 'src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    // `action: 'x.y'`, and the audit helpers' action argument: audit(request, 'x.y'), auditAdmin(db, request, 'x.y'), auditCaseRead(db, user, id, 'x.y').
    const written = /(?:action:\s*|\baudit(?:Admin|CaseRead)?\((?:[^,()'`]+,\s*){1,3})'([a-z]+\.[a-z.-]+)'/g;
    const actions = new Set(files.flatMap((f) => [...readFileSync(join(src, f), 'utf8').matchAll(written)].map((m) => m[1]!)));
    expect(actions.size).toBeGreaterThan(20);
    expect([...actions].filter((a) => !Object.hasOwn(AUDIT_ACTION_WORDS, a))).toEqual([]);
  });
});
