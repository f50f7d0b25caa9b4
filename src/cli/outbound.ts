import { RobotError } from '../domain/errors.js';
import { createHttpCaseSystemAdapter } from '../casesystem/http.js';
import { createNotifyClient } from '../casesystem/notify.js';
import { createPaymentClient } from '../casesystem/payment.js';
import { createRpaCaseSystemAdapter } from '../casesystem/rpa.js';
import type { CaseSystemAdapter } from '../casesystem/types.js';
import type { OutboundAdapters } from '../robot/outbound.js';

/**
 * Where the robot carries decisions out, by environment (validated here; a bad value is named,
 * never echoed):
 *
 *   CASESYSTEM_URL            the case system's HTTP API (the "http" adapter)
 *   CASESYSTEM_UI_URL         the legacy web UI the "rpa" adapter drives
 *   CASESYSTEM_RPA_USER, CASESYSTEM_RPA_PASSWORD   the robot's account in that UI
 *   CASESYSTEM_ADAPTER_<kod>  http | rpa per municipality (SCB code), default http
 *   PAYMENT_URL               the payment system
 *   NOTIFY_URL                "Mina ärenden"
 */
export interface OutboundEndpoints {
  caseSystemUrl?: string | undefined;
  caseSystemUiUrl?: string | undefined;
  rpaUser?: string | undefined;
  rpaPassword?: string | undefined;
  paymentUrl: string;
  notifyUrl: string;
  /** Per municipality code; absent = http. */
  adapters: Record<string, 'http' | 'rpa'>;
}

export class OutboundConfigError extends RobotError {
  readonly kind = 'configuration' as const;
  constructor(readonly problems: Array<{ variable: string; problem: string }>) {
    super(problems.map((p) => `${p.variable}: ${p.problem}`).join('; '));
    this.name = 'OutboundConfigError';
  }
}

function url(env: NodeJS.ProcessEnv, name: string, problems: OutboundConfigError['problems']): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
    return value;
  } catch {
    problems.push({ variable: name, problem: 'ska vara en http(s)-adress' });
    return undefined;
  }
}

/** The adapter choice per municipality from CASESYSTEM_ADAPTER_<code>; anything but http|rpa is refused. */
export function caseSystemChoices(env: NodeJS.ProcessEnv, problems: OutboundConfigError['problems'] = []): Record<string, 'http' | 'rpa'> {
  const out: Record<string, 'http' | 'rpa'> = {};
  for (const [name, value] of Object.entries(env)) {
    const m = /^CASESYSTEM_ADAPTER_(.*)$/.exec(name);
    if (!m) continue;
    if (!/^\d{4}$/.test(m[1]!)) problems.push({ variable: name, problem: 'ska sluta med en fyrsiffrig kommunkod, t.ex. CASESYSTEM_ADAPTER_1287' });
    else if (value === 'http' || value === 'rpa') out[m[1]!] = value;
    else problems.push({ variable: name, problem: 'ska vara http eller rpa' });
  }
  return out;
}

/**
 * The endpoints from the environment, with `defaults` (the sandbox's) for what is not set.
 * Returns undefined when nothing is configured and there are no defaults: this process then
 * does not carry out decisions. Throws OutboundConfigError naming every problem.
 */
export function outboundEndpointsFromEnv(env: NodeJS.ProcessEnv, defaults?: Partial<OutboundEndpoints>): OutboundEndpoints | undefined {
  const problems: OutboundConfigError['problems'] = [];
  const adapters = caseSystemChoices(env, problems);
  const caseSystemUrl = url(env, 'CASESYSTEM_URL', problems) ?? defaults?.caseSystemUrl;
  const caseSystemUiUrl = url(env, 'CASESYSTEM_UI_URL', problems) ?? defaults?.caseSystemUiUrl;
  const paymentUrl = url(env, 'PAYMENT_URL', problems) ?? defaults?.paymentUrl;
  const notifyUrl = url(env, 'NOTIFY_URL', problems) ?? defaults?.notifyUrl;
  const rpaUser = env.CASESYSTEM_RPA_USER || defaults?.rpaUser;
  const rpaPassword = env.CASESYSTEM_RPA_PASSWORD || defaults?.rpaPassword;
  if (problems.length > 0) throw new OutboundConfigError(problems);
  if (!caseSystemUrl && !caseSystemUiUrl && !paymentUrl && !notifyUrl && Object.keys(adapters).length === 0) return undefined;
  const usesRpa = Object.values(adapters).includes('rpa');
  const usesHttp = Object.values(adapters).includes('http') || Object.keys(adapters).length === 0 || caseSystemUrl !== undefined;
  if (!paymentUrl) problems.push({ variable: 'PAYMENT_URL', problem: 'saknas' });
  if (!notifyUrl) problems.push({ variable: 'NOTIFY_URL', problem: 'saknas' });
  if (usesHttp && !caseSystemUrl) problems.push({ variable: 'CASESYSTEM_URL', problem: 'saknas (http är standard för kommuner utan CASESYSTEM_ADAPTER_<kod>)' });
  if (usesRpa && !caseSystemUiUrl) problems.push({ variable: 'CASESYSTEM_UI_URL', problem: 'saknas (någon kommun använder rpa)' });
  if (usesRpa && (!rpaUser || !rpaPassword)) problems.push({ variable: 'CASESYSTEM_RPA_USER/CASESYSTEM_RPA_PASSWORD', problem: 'saknas (någon kommun använder rpa)' });
  if (problems.length > 0) throw new OutboundConfigError(problems);
  return { caseSystemUrl, caseSystemUiUrl, rpaUser, rpaPassword, paymentUrl: paymentUrl!, notifyUrl: notifyUrl!, adapters: { ...defaults?.adapters, ...adapters } };
}

/** The adapters, built once; an RPA adapter (a browser) is made only when a municipality uses it. */
export function outboundAdapters(endpoints: OutboundEndpoints, http: { timeoutMs: number; attempts: number }): OutboundAdapters & { close(): Promise<void> } {
  const settings = { timeoutMs: http.timeoutMs, retry: { attempts: http.attempts } };
  let httpAdapter: CaseSystemAdapter | undefined;
  let rpaAdapter: (CaseSystemAdapter & { close?: () => Promise<void> }) | undefined;
  const caseSystem = (municipality: string): CaseSystemAdapter => {
    if ((endpoints.adapters[municipality] ?? 'http') === 'rpa') {
      rpaAdapter ??= createRpaCaseSystemAdapter({ baseUrl: endpoints.caseSystemUiUrl!, username: endpoints.rpaUser!, password: endpoints.rpaPassword! });
      return rpaAdapter;
    }
    httpAdapter ??= createHttpCaseSystemAdapter({ baseUrl: endpoints.caseSystemUrl!, ...settings });
    return httpAdapter;
  };
  return {
    caseSystem,
    payment: createPaymentClient({ url: endpoints.paymentUrl, ...settings }),
    notifier: createNotifyClient({ url: endpoints.notifyUrl, ...settings }),
    close: async () => {
      await rpaAdapter?.close?.();
    },
  };
}
