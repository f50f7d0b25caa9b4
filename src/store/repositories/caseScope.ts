/**
 * Which cases a user may see, in SQL: the one condition every listing of cases for a user puts
 * in its WHERE (the inbox, inbox.ts, with its booking points; the open appeals, appeals.ts; the
 * automated decisions, decisions.ts; the search, caseSearch.ts). It is the rule of
 * web/authz.ts `inScope` (the pages check the review queue and the search's hits against it
 * again): a case of one of the user's municipalities, and, when the case names an organisation
 * (handling unit), only the users of that organisation. test/integration/case-scope.test.ts
 * holds the listings to it on both back ends.
 */
export interface CaseScope {
  /** The user's municipalities: nothing outside them is ever read. */
  municipalities: readonly string[];
  /** The user's organisation: a case of another organisation is left out (null: cases of no organisation only). */
  organisation: string | null;
}

/**
 * The condition on the cases table aliased `c`. `param` takes a value, adds it to the query's
 * parameters and returns its placeholder ("$3"): values go in as parameters only.
 */
export function caseScopeSql(scope: CaseScope, param: (value: unknown) => string): string {
  return `${municipalitiesSql(scope.municipalities, param)} AND (c.organisation IS NULL OR c.organisation = ${param(scope.organisation)})`;
}

/**
 * The cases (aliased `c`) of `municipalities`, whatever their organisation: only for the admins'
 * reminders, which name case ids and dates and no case content. A user's listing of cases takes
 * caseScopeSql.
 */
export function municipalitiesSql(municipalities: readonly string[], param: (value: unknown) => string): string {
  return `c.municipality IN (SELECT jsonb_array_elements_text(${param(JSON.stringify(municipalities))}::jsonb))`;
}

/** A query's parameters, collected in order: `add(value)` returns the value's placeholder. */
export function queryParams(): { values: unknown[]; add: (value: unknown) => string } {
  const values: unknown[] = [];
  return {
    values,
    add(value: unknown) {
      values.push(value);
      return `$${values.length}`;
    },
  };
}
