/**
 * Everything the RPA adapter knows about the legacy case system's web UI, in one place: paths,
 * page titles and CSS selectors. When the vendor changes a page, this file (or a replacement
 * passed as `selectors` to the adapter) is the only thing to update. The adapter checks every
 * page against its entry here before it touches it; a page that does not match is reported as
 * "case system UI changed", naming the step and the key below (never what was on the page).
 */

export interface PageDef {
  /** The page's <title> must match. */
  title: RegExp;
  /** Keys of this page's selectors that must be present before the robot acts on it. */
  required: readonly string[];
}

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
};

/** The shape of a selector set: a new UI version is a new object of this type. */
export type CaseSystemSelectors = typeof SELECTORS;

/** The page sections whose `page.required` keys name selectors of the same section. */
export const PAGE_SECTIONS = ['login', 'search', 'case', 'form', 'receipt'] as const;
export type PageSection = (typeof PAGE_SECTIONS)[number];

/** Throws when a page's required key names no selector of its section (a typo in an override). */
export function checkSelectors(selectors: CaseSystemSelectors): void {
  for (const section of PAGE_SECTIONS) {
    const entries = selectors[section] as unknown as Record<string, unknown> & { page: PageDef };
    for (const key of entries.page.required) {
      if (typeof entries[key] !== 'string') throw new Error(`selectors.${section}.page.required: ${key} is not a selector of ${section}`);
    }
  }
}
