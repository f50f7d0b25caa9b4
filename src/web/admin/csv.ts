/**
 * CSV as RFC 4180 (comma, CRLF, fields quoted when needed, quotes doubled), with protection
 * against formula injection: a cell that a spreadsheet would read as a formula (starting with
 * = + - @, a tab or a carriage return) is prefixed with an apostrophe, so it stays text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** `separator`: ',' (RFC 4180) or ';' (what Swedish Excel opens as columns). */
export function csvCell(value: unknown, separator: ',' | ';' = ','): string {
  let text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /["\r\n]/.test(text) || text.includes(separator) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return csvRowWith(values, ',');
}

/** A row with ';' between cells, for files that Swedish Excel opens as they are. */
export function csvRowWith(values: readonly unknown[], separator: ',' | ';'): string {
  return `${values.map((v) => csvCell(v, separator)).join(separator)}\r\n`;
}
