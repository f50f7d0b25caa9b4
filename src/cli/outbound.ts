import { RobotError } from '../domain/errors.js';
import { createHttpCaseSystemAdapter } from '../casesystem/http.js';
import { createNotifyClient } from '../casesystem/notify.js';
import { createPaymentClient } from '../casesystem/payment.js';
import { createRpaCaseSystemAdapter } from '../casesystem/rpa.js';
import type { CaseSystemAdapter } from '../casesystem/types.js';
import type { OutboundSettings } from '../config.js';
import type { OutboundAdapters } from '../robot/outbound.js';

/**
 * Where the robot carries decisions out: the settings src/config.ts read (OutboundSettings:
 * CASESYSTEM_URL, CASESYSTEM_UI_URL, CASESYSTEM_RPA_USER/PASSWORD, CASESYSTEM_ADAPTER_<kod>,
 * PAYMENT_URL, NOTIFY_URL), checked here for fitting together.
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

/**
 * The endpoints from the configuration, with `defaults` (the sandbox's) for what is not set.
 * Returns undefined when nothing is configured and there are no defaults: this process then
 * does not carry out decisions. Throws OutboundConfigError naming every missing piece.
 */
export function outboundEndpoints(settings: OutboundSettings, defaults?: Partial<OutboundEndpoints>): OutboundEndpoints | undefined {
  const problems: OutboundConfigError['problems'] = [];
  const adapters = settings.adapters;
  const caseSystemUrl = settings.caseSystemUrl ?? defaults?.caseSystemUrl;
  const caseSystemUiUrl = settings.caseSystemUiUrl ?? defaults?.caseSystemUiUrl;
  const paymentUrl = settings.paymentUrl ?? defaults?.paymentUrl;
  const notifyUrl = settings.notifyUrl ?? defaults?.notifyUrl;
  const rpaUser = settings.rpaUser ?? defaults?.rpaUser;
  const rpaPassword = settings.rpaPassword ?? defaults?.rpaPassword;
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
export function outboundAdapters(endpoints: OutboundEndpoints, http: { timeoutMs: number; attempts: number }, chromiumPath: string): OutboundAdapters & { close(): Promise<void> } {
  const settings = { timeoutMs: http.timeoutMs, retry: { attempts: http.attempts } };
  let httpAdapter: CaseSystemAdapter | undefined;
  let rpaAdapter: (CaseSystemAdapter & { close?: () => Promise<void> }) | undefined;
  const caseSystem = (municipality: string): CaseSystemAdapter => {
    if ((endpoints.adapters[municipality] ?? 'http') === 'rpa') {
      rpaAdapter ??= createRpaCaseSystemAdapter({ baseUrl: endpoints.caseSystemUiUrl!, username: endpoints.rpaUser!, password: endpoints.rpaPassword!, executablePath: chromiumPath });
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
