import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIsoDate } from '../domain/dates.js';
import { AGENCIES, type Agency } from '../domain/snapshot.js';
import { decodeBase64 } from '../registers/ssbtek/reading.js';
import { DEFAULT_SYFTE, DEFAULT_LAGTEXT } from '../registers/ssbtek/request.js';
import { attr, child, parseXml, path, text } from '../registers/ssbtek/xml.js';
import { faultPlanSchema, fixtureSchema, loadFixtures, type FaultPlan, type SsbtekFixture } from './ssbtekFixtures.js';
import { buildResponseBody, envelope, faultBody, type AskedQuestion } from './ssbtekReplies.js';
import { consume, sendBody, stopServer, trackedTimers, transportFault } from './httpKit.js';

/**
 * A loopback SSBTEK v10: it reads hamtaBastjanstInformation like the real service, answers
 * from fixtures/registers/ssbtek, and breaks on request. Faults come from the start options,
 * from a fixture (for calls about that person only), at run time through setFaults(), or over
 * HTTP: POST /__faults with a JSON fault plan (merged), DELETE /__faults, GET /__faults,
 * GET /__stats. It never logs: its requests carry personal numbers.
 */

export interface SsbtekSandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback only, by design. */
  host?: '127.0.0.1' | 'localhost' | '::1';
  fixtures?: SsbtekFixture[];
  /** Used when `fixtures` is not given; default fixtures/registers/ssbtek. */
  fixturesDir?: string;
  faults?: FaultPlan;
  /** For failProbability; injectable for tests. */
  random?: () => number;
}

export interface SsbtekSandboxStats {
  /** SOAP calls received (admin calls not counted). */
  requests: number;
  answered: number;
  httpFailures: number;
  soapFaults: number;
  hung: number;
}

export interface SsbtekSandbox {
  /** The SOAP endpoint. */
  url: string;
  stop(): Promise<void>;
  setFaults(plan: FaultPlan): void;
  clearFaults(): void;
  faults(): FaultPlan;
  stats(): SsbtekSandboxStats;
  /** Adds or replaces people at run time (generated households for benchmarks). */
  addFixtures(fixtures: readonly SsbtekFixture[]): void;
}

const MAX_BODY = 1024 * 1024;

class BadRequest extends Error {}

/** Reads the question the way SSBT would; a malformed one becomes a Client fault. */
export function readQuestion(xml: string): AskedQuestion {
  const doc = parseXml(xml);
  const request = path(doc, 'Envelope', 'Body', 'hamtaBastjanstInformation');
  if (request === undefined) throw new BadRequest('hamtaBastjanstInformation saknas');
  const general = child(request, 'generellaFrageparametrar');
  const specific = child(request, 'specifikaFrageparametrar');
  const need = (node: unknown, name: string): string => {
    const value = text(child(node, name))?.trim();
    if (!value) throw new BadRequest(`${name} saknas`);
    return value;
  };
  const personalNumber = need(general, 'personidentitet');
  if (!/^\d{12}$/.test(personalNumber)) throw new BadRequest('personidentitet ska vara 12 siffror');
  const ingivareNode = child(general, 'ingivare');
  const ingivare = {
    organisationsnummer: need(ingivareNode, 'organisationsnummer'),
    namn: need(ingivareNode, 'namn'),
    handlaggare: need(ingivareNode, 'handlaggare'),
  };
  if (!/^\d{4}[2-9]\d{7}$/.test(ingivare.organisationsnummer)) throw new BadRequest('organisationsnummer har fel form');
  const readPeriod = (node: unknown) => {
    const from = need(node, 'fromDatum');
    const tom = need(node, 'tomDatum');
    if (!isIsoDate(from) || !isIsoDate(tom) || from > tom) throw new BadRequest('tidsperiod är ogiltig');
    return { from, tom };
  };
  const period = readPeriod(child(general, 'tidsperiod'));
  const agencies = new Map<Agency, { from: string; tom: string }>();
  for (const agency of AGENCIES) {
    const node = child(specific, agency);
    if (node === undefined) throw new BadRequest(`specifikaFrageparametrar/${agency} saknas`);
    const inkludera = attr(node, 'inkludera');
    if (inkludera !== 'true' && inkludera !== 'false' && inkludera !== '1' && inkludera !== '0') {
      throw new BadRequest(`${agency}/@inkludera saknas`);
    }
    if (inkludera === 'true' || inkludera === '1') {
      const own = child(node, 'tidsperiod');
      agencies.set(agency, own === undefined ? period : readPeriod(own));
    }
  }
  const question: AskedQuestion = {
    personalNumber,
    caseId: need(general, 'arendeidentitet'),
    ingivare,
    syfte: text(child(general, 'syfte')) ?? DEFAULT_SYFTE,
    lagtext: text(child(general, 'lagtext')) ?? DEFAULT_LAGTEXT,
    agencies,
  };
  if (agencies.has('FK')) {
    const problem = fkQuestionProblem(child(child(specific, 'FK'), 'fraga'), personalNumber);
    if (problem) question.fkQuestionProblem = problem;
  }
  return question;
}

/** SSBT puts a bad LEFI question in FK's error element rather than faulting the whole call. */
function fkQuestionProblem(fraga: unknown, personalNumber: string): string | undefined {
  if (fraga === undefined || !text(child(fraga, 'aktorsid'))?.trim()) return 'LEFI_FRAGA_SAKNAS';
  const version = text(child(fraga, 'version'))?.trim();
  if (version !== undefined && version !== 'v9') return 'LEFI_VERSION';
  const json = decodeBase64(text(child(fraga, 'lefiJsonFraga')));
  try {
    const question = JSON.parse(json ?? '') as { personnummer?: unknown; period?: { from?: unknown; tom?: unknown } };
    if (typeof question.personnummer !== 'string' || question.personnummer.slice(-10) !== personalNumber.slice(2)) return 'LEFI_PERSON';
    if (typeof question.period?.from !== 'string' || typeof question.period.tom !== 'string') return 'LEFI_PERIOD';
  } catch {
    return 'LEFI_JSON';
  }
  return undefined;
}

export async function start(options: SsbtekSandboxOptions = {}): Promise<SsbtekSandbox> {
  const fixtures = new Map<string, SsbtekFixture>();
  for (const f of options.fixtures ?? (await loadFixtures(options.fixturesDir))) {
    // A copy per sandbox, because fault counters are used up.
    fixtures.set(f.personalNumber, structuredClone(f));
  }
  let runtime: FaultPlan = structuredClone(options.faults ?? {});
  const random = options.random ?? Math.random;
  const stats: SsbtekSandboxStats = { requests: 0, answered: 0, httpFailures: 0, soapFaults: 0, hung: 0 };
  const { timers, wait } = trackedTimers();

  const send = (res: ServerResponse, status: number, body: string, type = 'text/xml; charset=utf-8') => sendBody(res, status, body, type);

  async function handleSoap(xml: string, res: ServerResponse): Promise<void> {
    stats.requests++;
    let question: AskedQuestion;
    try {
      question = readQuestion(xml);
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      stats.soapFaults++;
      return send(res, 500, envelope(faultBody('client', 'OGILTIG_FRAGA', error.message)));
    }
    const fixture = fixtures.get(question.personalNumber);
    const own = fixture?.faults;
    const plans = [runtime, own];

    if (await transportFault(res, plans, { wait, random, stats })) return;
    const faulting = plans.find((p) => consume(p, 'faultNext'));
    if (faulting) {
      stats.soapFaults++;
      const kind = faulting.faultKind ?? 'server';
      return send(res, 500, envelope(faultBody(kind, kind === 'server' ? 'TEKNISKT_FEL' : 'OGILTIG_FRAGA', 'Simulerat fel')));
    }
    stats.answered++;
    send(res, 200, envelope(buildResponseBody(question, fixture, new Set(runtime.agencyErrors ?? []))));
  }

  function handleAdmin(req: IncomingMessage, body: string, res: ServerResponse): void {
    const json = (status: number, value: unknown) => send(res, status, JSON.stringify(value), 'application/json');
    if (req.url === '/__stats' && req.method === 'GET') return json(200, stats);
    if (req.url !== '/__faults') return json(404, { error: 'okänd adminväg' });
    if (req.method === 'GET') return json(200, runtime);
    if (req.method === 'DELETE') {
      runtime = {};
      return json(200, runtime);
    }
    if (req.method === 'POST') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return json(400, { error: 'kroppen ska vara JSON' });
      }
      const plan = faultPlanSchema.safeParse(parsed);
      if (!plan.success) return json(400, { error: plan.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
      runtime = { ...runtime, ...plan.data };
      return json(200, runtime);
    }
    return json(405, { error: 'metoden stöds inte' });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        send(res, 413, 'för stor fråga', 'text/plain');
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url?.startsWith('/__')) return handleAdmin(req, body, res);
      if (req.method !== 'POST') return send(res, 405, 'POST only', 'text/plain');
      handleSoap(body, res).catch(() => send(res, 500, envelope(faultBody('server', 'INTERNT_FEL', 'Internt fel i simulatorn'))));
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '::1' ? '[::1]' : host;

  return {
    url: `http://${shownHost}:${port}/ssbtek/v10`,
    stop: () => stopServer(server, timers),
    setFaults: (plan) => {
      runtime = { ...runtime, ...faultPlanSchema.parse(plan) };
    },
    clearFaults: () => {
      runtime = {};
    },
    faults: () => structuredClone(runtime),
    stats: () => ({ ...stats }),
    addFixtures: (list) => {
      for (const f of list) {
        const parsed = fixtureSchema.parse(structuredClone(f));
        fixtures.set(parsed.personalNumber, parsed);
      }
    },
  };
}
