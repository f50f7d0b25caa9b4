/**
 * Everything the RPA adapter knows about the legacy case system's web UI, in one place: paths,
 * page titles, CSS selectors and the dialogs each step accepts. When the vendor changes a page,
 * this file (or a replacement passed as `selectors` to the adapter) is the only thing to update.
 * The adapter checks every page against its entry here before it touches it; a page that does
 * not match is reported as "case system UI changed", naming the step and the key below (never
 * what was on the page; an unexpected dialog's text is quoted, truncated and scrubbed).
 */

export interface PageDef {
  /** The page's <title> must match. */
  title: RegExp;
  /** Keys of this page's selectors that must be present before the robot acts on it. */
  required: readonly string[];
}

/** The RPA adapter's steps, in the order it goes through them (src/casesystem/rpa.ts). */
export const RPA_STEPS = ['login', 'search', 'case', 'calculation-form', 'more-rows', 'enter', 'save', 'receipt', 'logout'] as const;
export type RpaStep = (typeof RPA_STEPS)[number];

/**
 * What a step does with a JavaScript dialog (alert, confirm, prompt) the page opens while the
 * robot is in it. 'none': no dialog is expected, any is dismissed and the step fails as "case
 * system UI changed". Otherwise the one dialog of this type whose text matches `message` is
 * accepted (OK), every time it comes; when it does not come the step goes on as usual. Any other
 * dialog is dismissed (Cancel) and the step fails as above, quoting the dialog's text.
 */
export type DialogPolicy = 'none' | { type: 'alert' | 'confirm' | 'prompt'; message: RegExp };

/** Every step has a policy of its own: a new step must say what it accepts. */
const DIALOGS: Record<RpaStep, DialogPolicy> = {
  login: 'none',
  search: 'none',
  case: 'none',
  'calculation-form': 'none',
  'more-rows': 'none',
  enter: 'none',
  /** "Spara" asks for confirmation; OK saves, Cancel (Playwright's silent default) does not. */
  save: { type: 'confirm', message: /^Vill du spara beslutet\?$/ },
  receipt: 'none',
  logout: 'none',
};

export const SELECTORS = {
  paths: {
    login: '/login',
  },
  login: {
    page: { title: /^Inloggning\b/, required: ['username', 'password', 'submit'] } satisfies PageDef,
    username: 'input#anvandare',
    password: 'input#losenord',
    submit: 'input#btnLoggaIn',
    /** Shown on the login page after wrong credentials. */
    error: '.felmeddelande',
  },
  search: {
    page: { title: /^Ärendesök\b/, required: ['caseNumber', 'submit'] } satisfies PageDef,
    caseNumber: 'input[name="arendenr"]',
    submit: 'input#btnSok',
    /** Result rows' links; the one whose text is the case id is clicked. */
    resultLink: 'table#tblTraffar a.arendelank',
    noHits: '#ingaTraffar',
  },
  case: {
    page: { title: /^Ärende\b/, required: ['caseNumber', 'calculationLink'] } satisfies PageDef,
    /** Its text must be the case id: the robot checks it is on the right case. */
    caseNumber: '#arendenummer',
    calculationLink: 'a#lnkBerakning',
  },
  form: {
    page: {
      title: /^Ekonomiskt bistånd – beräkning\b/,
      required: ['registeredTable', 'decisionId', 'period', 'outcome', 'totalAmount', 'signedBy', 'lineRow', 'moreRows', 'save'],
    } satisfies PageDef,
    /** Decisions already entered on this case (the idempotency check reads them). */
    registeredTable: 'table#tblBeslut',
    registeredRow: 'table#tblBeslut tr.beslutsrad',
    registeredDecisionId: 'td.beslutsref',
    registeredConfirmation: 'td.kvittensnr',
    decisionId: 'input#beslutsref',
    period: 'input#period',
    /** A <select>; values below. */
    outcome: 'select#beslutstyp',
    outcomeValues: { GRANT: 'BIFALL', REJECT: 'AVSLAG' },
    totalAmount: 'input#totalbelopp',
    signedBy: 'input#handlaggare',
    /** One row per calculation line; the three fields below are looked up inside a row. */
    lineRow: 'table#tblRader tr.berakningsrad',
    lineKind: 'select.radtyp',
    lineKindValues: { norm: 'NORM', cost: 'KOSTNAD', income: 'INKOMST', exempt: 'EJMEDR' },
    lineLabel: 'input.radtext',
    lineAmount: 'input.radbelopp',
    /** Posts the form back with more empty rows. */
    moreRows: 'input#btnFlerRader',
    save: 'input#btnSpara',
    /** Validation message when the form comes back instead of the receipt. */
    error: '.felmeddelande',
  },
  receipt: {
    page: { title: /^Kvittens\b/, required: ['confirmation'] } satisfies PageDef,
    confirmation: '#bekraftelsenr',
  },
  common: {
    logout: 'a#lnkLoggaUt',
  },
  dialogs: DIALOGS,
};

/** The shape of a selector set: a new UI version is a new object of this type. */
export type CaseSystemSelectors = typeof SELECTORS;

/** The page sections whose `page.required` keys name selectors of the same section. */
export const PAGE_SECTIONS = ['login', 'search', 'case', 'form', 'receipt'] as const;
export type PageSection = (typeof PAGE_SECTIONS)[number];

/**
 * Throws when a page's required key names no selector of its section (a typo in an override),
 * or a step has no dialog policy or a malformed one (a /g or /y pattern keeps state between tests).
 */
export function checkSelectors(selectors: CaseSystemSelectors): void {
  for (const step of RPA_STEPS) {
    const policy = (selectors.dialogs as Partial<Record<RpaStep, DialogPolicy>> | undefined)?.[step];
    if (policy === 'none') continue;
    if (!policy || !['alert', 'confirm', 'prompt'].includes(policy.type) || !(policy.message instanceof RegExp) || /[gy]/.test(policy.message.flags)) {
      throw new Error(`selectors.dialogs.${step}: expected 'none' or { type: alert|confirm|prompt, message: RegExp without g/y }`);
    }
  }
  for (const section of PAGE_SECTIONS) {
    const entries = selectors[section] as unknown as Record<string, unknown> & { page: PageDef };
    for (const key of entries.page.required) {
      if (typeof entries[key] !== 'string') throw new Error(`selectors.${section}.page.required: ${key} is not a selector of ${section}`);
    }
  }
}
