import { COMPONENT_WORDS, technicalErrorWords } from './errors.js';
/** Reason codes (RULES.md 4, 5 and 7) and how a caseworker reads them. */

export const MANUAL_REASONS = [
  'INVALID_APPLICATION',
  'TECHNICAL_ERROR',
  'REGISTER_INCOMPLETE',
  'PROTECTED_IDENTITY',
  'NOT_RESIDENT',
  'NEW_APPLICATION',
  'VEHICLE_OWNED',
  'ASSETS_ABOVE_LIMIT',
  'PLAN_ASSESSMENT_PENDING',
  'PROVISIONAL_RULES',
  'RULES_MISSING',
  'EXPENSE_ABOVE_GUIDELINE',
  'EXPENSE_NEEDS_ASSESSMENT',
  'INCOME_NEEDS_ASSESSMENT',
  'UNDECLARED_INCOME',
  'INCOME_DISCREPANCY',
  // Not from the assessment: a correction lowered a decision that was already paid.
  'POSSIBLE_RECLAIM',
  // Not from the assessment: carrying out a signed decision failed for good (write-back,
  // payment or message), and a caseworker finishes it.
  'CARRY_OUT_STOPPED',
] as const;

export const REJECT_REASONS = ['NOT_ACTIVE_JOBSEEKER', 'INCOME_EXCEEDS_NORM'] as const;

export type ManualReason = (typeof MANUAL_REASONS)[number];
export type RejectReason = (typeof REJECT_REASONS)[number];
export type ReasonCode = ManualReason | RejectReason;

export const REASON_CODES: readonly ReasonCode[] = [...MANUAL_REASONS, ...REJECT_REASONS];

export function isManualReason(code: ReasonCode): code is ManualReason {
  return (MANUAL_REASONS as readonly string[]).includes(code);
}

/** Plain Swedish for the review page and the decision letter. */
export const REASON_TITLES: Record<ReasonCode, string> = {
  INVALID_APPLICATION: 'Ansökan är ofullständig eller innehåller fel',
  TECHNICAL_ERROR: 'Ett register kunde inte läsas (tekniskt fel)',
  REGISTER_INCOMPLETE: 'Ett register svarade med fel för en myndighet eller person',
  PROTECTED_IDENTITY: 'Någon i hushållet har skyddade personuppgifter',
  NOT_RESIDENT: 'Sökanden är inte folkbokförd i kommunen',
  NEW_APPLICATION: 'Nyansökan kräver utredning av handläggare',
  VEHICLE_OWNED: 'En vuxen i hushållet äger fordon',
  ASSETS_ABOVE_LIMIT: 'Tillgångar över kommunens buffert',
  PLAN_ASSESSMENT_PENDING: 'Bedömning i planeringsmodulen saknas ännu',
  PROVISIONAL_RULES: 'Beräkningen bygger på preliminära belopp i regelverket',
  RULES_MISSING: 'Regelvärden saknas för månaden',
  EXPENSE_ABOVE_GUIDELINE: 'Kostnad över kommunens riktlinje',
  EXPENSE_NEEDS_ASSESSMENT: 'Kostnad som kräver handläggarens bedömning',
  INCOME_NEEDS_ASSESSMENT: 'Inkomst som kräver handläggarens bedömning',
  UNDECLARED_INCOME: 'Registrerad inkomst som inte har uppgetts i ansökan',
  INCOME_DISCREPANCY: 'Uppgiven inkomst skiljer sig från registrerad',
  POSSIBLE_RECLAIM: 'Möjligt återkrav: ett ändrat beslut är lägre än det som redan betalats ut',
  CARRY_OUT_STOPPED: 'Beslutet är inte verkställt: verkställigheten stoppades av ett fel',
  NOT_ACTIVE_JOBSEEKER: 'Sökanden bedöms inte stå till arbetsmarknadens förfogande',
  INCOME_EXCEEDS_NORM: 'Hushållets inkomster täcker behovet',
};

/**
 * What the robot and people write as the reason of a step in a case's history
 * (case_state_history.reason), in words. Reason codes and outcomes are read with REASON_TITLES.
 */
export const HISTORY_REASON_WORDS: Readonly<Record<string, string>> = {
  SIGNED: 'Förslaget signerades',
  SIGNED_EDITED: 'Beslutet signerades med ändrade belopp',
  SIGNED_MANUAL: 'Det manuella ärendet avgjordes och beslutet signerades',
  CORRECTED: 'Ett nytt beslut ersätter det tidigare (ändring eller omprövning)',
  TAKEN_OVER: 'Togs över för manuell handläggning',
  REPLAY: 'Skickades igenom igen efter tekniskt fel',
  REPLAY_FROM_SNAPSHOT: 'Räknades om från sparade uppgifter efter tekniskt fel',
  RULES_ENTERED: 'Räknades om när de regler som saknades hade förts in',
  DECIDED_AUTOMATICALLY: 'Beslutades automatiskt enligt kommunens delegationsordning',
  PLAN_PENDING: 'Väntar på planeringsmodulens bedömning',
  CARRIED_OUT: 'Beslutet är verkställt',
  CARRY_OUT_AGAIN: 'Handläggaren startade verkställigheten igen',
  CLAIMED: 'Tog ärendet',
  RELEASED: 'Lämnade tillbaka ärendet till kön',
  CLOSED_IN_CASE_SYSTEM: 'Avslutade ärendet: handläggs i verksamhetssystemet',
  PROPOSE_GRANT: 'Förslag: bevilja',
  PROPOSE_REJECT: 'Förslag: avslå',
  MANUAL: 'Manuell handläggning',
};

/** The parts of the robot a technical error or a step names, in words. */

/**
 * A history reason in words: a known word, a list of reason codes ("EXPENSE_ABOVE_GUIDELINE,
 * ASSETS_ABOVE_LIMIT"), "TECHNICAL_ERROR: ssbtek", "<reason code>: <step>", "RECOVERED: …".
 * `reassignedTo` names the person of a "REASSIGNED:<id>" (the caller knows the users).
 */
export function historyReasonText(reason: string | null, personName: (id: string) => string): string {
  if (reason === null || reason === '') return '';
  const known = Object.hasOwn(HISTORY_REASON_WORDS, reason) ? HISTORY_REASON_WORDS[reason] : undefined;
  if (known) return known;
  // A technical error in the catalogue's words (domain/errors.ts).
  const technical = technicalErrorWords(reason);
  if (technical) return technical;
  if (reason.startsWith('REASSIGNED:')) {
    const to = reason.slice('REASSIGNED:'.length);
    return to === '-' ? 'Lade tillbaka ärendet i kön' : `Fördelade ärendet till ${personName(to)}`;
  }
  const codes = reason.split(',');
  if (codes.every((c) => (REASON_CODES as readonly string[]).includes(c))) return codes.map((c) => REASON_TITLES[c as ReasonCode]).join('; ');
  const colon = reason.indexOf(': ');
  if (colon > 0) {
    const head = reason.slice(0, colon);
    const rest = reason.slice(colon + 2);
    const first = rest.split(' ')[0] ?? '';
    const part = Object.hasOwn(COMPONENT_WORDS, first) ? COMPONENT_WORDS[first]! : rest;
    if (head === 'RECOVERED') return `Roboten gav ärendet ett nytt jobb: ${rest}`;
    if ((REASON_CODES as readonly string[]).includes(head)) return `${REASON_TITLES[head as ReasonCode]} (${part})`;
  }
  return reason;
}

/** Audit-log actions in words, for the people who read the log. */
export const AUDIT_ACTION_WORDS: Readonly<Record<string, string>> = {
  'case.read': 'Öppnade ärendet',
  'case.search': 'Sökte ärenden',
  'case.claim': 'Tog eller lämnade ärendet',
  'case.release': 'Lämnade tillbaka ärendet',
  'case.reassign': 'Fördelade ärendet',
  'case.close': 'Avslutade ärendet (verksamhetssystemet)',
  'case.carry-out-again': 'Startade verkställigheten av beslutet igen',
  'case.takeover': 'Tog över ärendet',
  'letter.read': 'Läste beslutsbrevet',
  'screenshot.read': 'Visade skärmbild från verksamhetssystemet',
  'decision.sign': 'Signerade beslut',
  'decision.automated': 'Automatiskt beslut',
  'decision.change': 'Signerade ändrat beslut',
  'decision.carried-out': 'Beslutet verkställdes',
  'decision.possible-reclaim': 'Möjligt återkrav',
  'decision.write-back': 'Återskrivning till verksamhetssystemet',
  'decision.payment': 'Utbetalning',
  'decision.notify': 'Meddelande till den sökande',
  'proposal.recompute': 'Räknade om förslaget',
  'ssbtek.lookup': 'Slog upp i SSBTEK',
  'kir.lookup': 'Slog upp i KIR',
  'plan.lookup': 'Slog upp i planeringsmodulen',
  'decision.recoveries-spent': 'Verkställigheten gav upp efter upprepade avbrott',
  'booking.first-meeting': 'Bokade första möte',
  'booking.message': 'Meddelade den sökande om första mötet',
  'booking.retry': 'Försökte boka första mötet igen',
  'booking.handled': 'Markerade första mötet som hanterat',
  'admin.replay': 'Skickade ärende igenom igen',
  'admin.replay.since': 'Skickade ärenden med tekniskt fel igenom igen',
  'admin.audit.search': 'Sökte i granskningsloggen',
  'admin.audit.export': 'Exporterade granskningsloggen',
  'admin.intake.pause': 'Pausade intaget',
  'admin.intake.resume': 'Återupptog intaget',
  'admin.queues.view': 'Visade köerna',
  'admin.queues.change': 'Ändrade i köerna',
  'admin.retention.dry-run': 'Provkörde gallring',
  'admin.retention.execute': 'Genomförde gallring',
  'admin.stats.download': 'Laddade ned statistikfilen',
  'retention.dry-run': 'Provkörning av gallring',
  'retention.destroy': 'Gallrade ärendet',
  'stats.produce': 'Tog fram statistik för Socialstyrelsen',
  'stats.validate': 'Kontrollerade en statistikfil för Socialstyrelsen',
  'declaration.record': 'Registrerade försäkran för SSBTEK',
  'declaration.end': 'Registrerade sista dag för försäkran för SSBTEK',
  'logfollowup.make': 'Gjorde en logguppföljning',
  'logfollowup.read': 'Läste en logguppföljning',
  'logfollowup.rows': 'Visade loggraderna bakom ett fynd i logguppföljningen',
  'logfollowup.export': 'Laddade ned en logguppföljning som CSV',
  'logfollowup.signoff': 'Markerade en logguppföljning som granskad',
  'appeal.record': 'Registrerade överklagande',
  'appeal.handle': 'Handlade överklagande',
  'appeal.kept': 'Omprövade: beslutet står fast',
  'appeal.changed': 'Omprövade: beslutet ändrades',
  'appeal.dismissed': 'Avvisade överklagandet (för sent)',
  'appeal.forwarded': 'Överlämnade överklagandet till förvaltningsrätten',
};

/** An audit action in words; an action this does not know is shown as it is. */
export function auditActionWords(action: string): string {
  return AUDIT_ACTION_WORDS[action] ?? action;
}

/** The keys of an audit entry's details, in words. */
export const AUDIT_DETAIL_WORDS: Readonly<Record<string, string>> = {
  role: 'roll',
  decisionId: 'beslut nr',
  kind: 'slag',
  outcome: 'utfall',
  contentHash: 'kontrollsumma',
  manual: 'manuellt ärende',
  from: 'från',
  to: 'till',
  filters: 'filter',
  hits: 'träffar',
  byPersonalNumber: 'sökte på personnummer',
  step: 'steg',
  reason: 'skäl',
  problem: 'problem',
  mode: 'sätt',
  result: 'resultat',
  screenshot: 'skärmbild',
  municipality: 'kommun',
  cases: 'ärenden',
  appealId: 'överklagande nr',
  caseId: 'ärende',
  actor: 'användare',
  state: 'status',
  owner: 'handläggare',
  paid: 'utbetalt',
  granted: 'beviljat',
  difference: 'skillnad',
  purpose: 'ändamål',
  register: 'register',
  municipalities: 'kommuner',
  caseIds: 'ärenden',
  reportId: 'rapport nr',
  finding: 'fynd nr',
  findings: 'fynd',
  why: 'skäl',
  via: 'via',
  since: 'sedan',
  supersedes: 'ersätter',
  proposalId: 'förslag nr',
  rulesVersion: 'regelversion',
  rule: 'regel',
  delegationFrom: 'delegation från',
  recoveries: 'tidigare försök',
  change: 'ändring',
  channel: 'kanal',
  receivedOn: 'inkom',
  notifiedFrom: 'delgiven',
  run: 'körning',
  approves: 'godkänner körning',
  destroyed: 'gallrade',
  skipped: 'hoppade över',
  declarationId: 'försäkran nr',
  userId: 'användare',
  signedOn: 'undertecknad',
  receivedBy: 'mottagen av',
  documentRef: 'dokumentreferens',
  lastDay: 'sista dag',
  fields: 'fält',
  message: 'meddelande',
  today: 'dag',
  counts: 'antal',
  mismatches: 'avvikelser',
  problems: 'problem',
  reference: 'referens',
  repeated: 'upprepat anrop',
  existed: 'fanns redan',
  startsAt: 'börjar',
  error: 'felklass',
  component: 'del',
  screenshotId: 'skärmbild nr',
  letter: 'brev',
};

/**
 * The coded values of an audit entry's details, in words, by key: why something was refused
 * (`problem`), how a case was run again (`mode`, `result`), what was decided (`kind`,
 * `outcome`), from where (`via`). A code not listed is shown as it is.
 */
export const AUDIT_VALUE_WORDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  problem: {
    'not-all-municipalities': 'gäller alla kommuner, och användaren är inte administratör för alla',
    'out-of-scope': 'utanför användarens kommuner',
    'not-found-or-out-of-scope': 'finns inte eller ligger utanför användarens kommuner',
    'invalid-input': 'uppgifterna i formuläret var inte giltiga',
    'invalid-filter': 'sökvillkoren var inte giltiga',
    'not-confirmed': 'inte bekräftad',
    'already-signed': 'redan granskad',
    'not-found': 'finns inte',
    'no-comment': 'ingen kommentar',
    'unknown-case': 'inget ärende med det id:t',
    'no-declaration': 'ingen giltig försäkran för SSBTEK',
    'not-an-assignee': 'mottagaren finns inte i personalkatalogen eller får inte ha ärendet',
  },
  mode: { intake: 'från intaget', snapshot: 'från ögonblicksbilden' },
  result: {
    requeued: 'skickat till kön igen',
    'unknown-case': 'inget ärende med det id:t',
    'no-declaration': 'ingen giltig försäkran för SSBTEK',
    'already-decided': 'redan avgjort',
    'with-caseworker': 'ligger hos handläggare',
    'already-running': 'körs redan',
    'changed-meanwhile': 'ändrades under tiden',
    'no-snapshot': 'ingen sparad ögonblicksbild',
    'invalid-snapshot': 'ögonblicksbilden klarar inte kontrollen',
    stored: 'omräknat och sparat',
    'shown-only': 'omräknat, inte sparat',
    'compared-same': 'omräknat, samma förslag',
    'compared-different': 'omräknat, annat förslag',
  },
  kind: { 'as-proposed': 'som föreslaget', edited: 'med ändrade belopp', scheduled: 'månadsrapport', 'on-demand': 'beställd' },
  outcome: { GRANT: 'bifall', REJECT: 'avslag', PROPOSE_GRANT: 'förslag: bifall', PROPOSE_REJECT: 'förslag: avslag', MANUAL: 'manuell handläggning' },
  via: { web: 'webben', cli: 'kommandoraden' },
  // The steps of carrying out a decision (robot/outbound.ts).
  step: { 'write-back': 'återskrivning till verksamhetssystemet', payment: 'utbetalning', notify: 'meddelande till den sökande' },
  letter: { covering: 'följebrev till förvaltningsrätten' },
};

/** Roles as people name them. */
export const ROLE_WORDS: Readonly<Record<string, string>> = { caseworker: 'handläggare', teamlead: 'arbetsledare', auditor: 'granskare', admin: 'administratör' };
