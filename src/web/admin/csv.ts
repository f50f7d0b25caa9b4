/**
 * CSV for Swedish Excel: semicolon between fields (Excel in Swedish reads a comma as the
 * decimal sign, so it would not split on one), CRLF line ends, fields quoted when needed
 * (quotes doubled, as RFC 4180), and a UTF-8 byte order mark first (csvDocument) so that
 * å, ä and ö are read as UTF-8. Numbers with decimals are written with a decimal comma
 * (csvDecimal). Formula injection: a cell that a spreadsheet would read as a formula (starting
 * with = + - @, a tab or a carriage return) is prefixed with an apostrophe, so it stays text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
export const CSV_SEPARATOR = ';';
/** The UTF-8 byte order mark (U+FEFF), which tells Excel the file is UTF-8. */
export const CSV_BOM = '\ufeff';

export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(CSV_SEPARATOR)}\r\n`;
}

/** The whole file: the byte order mark, then one line per row. */
export function csvDocument(rows: readonly (readonly unknown[])[]): string {
  return `${CSV_BOM}${rows.map(csvRow).join('')}`;
}

/** A decimal number as a string ("1234.50") with a decimal comma ("1234,50"), as Swedish Excel reads numbers. */
export function csvDecimal(text: string): string {
  return text.replace('.', ',');
}
