/**
 * Spreadsheet formula injection (OWASP "CSV Injection"): Excel, LibreOffice and Google Sheets run a cell that
 * starts with = + - @ as a formula (also after leading spaces, and in the fullwidth forms ＝＋－＠ that they fold
 * to ASCII), `|` starts a DDE command, and a leading tab or carriage return hides such a start. A scraped page
 * must not get to run anything on the machine of whoever opens the export, so such cells are made text with a
 * leading `'`, which spreadsheet apps show as a text marker. CSV needs this because its cells are untyped; an
 * XLSX export writes typed string cells instead, which spreadsheets never evaluate (src/server/executions/export.ts).
 *
 * A cell that is nothing but a number (`-12.5`, `+3`, `-1e-5`) is left as it is: it cannot call anything, and a
 * `'` would turn genuine negative amounts into text.
 */

const STARTS_A_FORMULA = /^[\t\r]|^\s*[=+\-@|＝＋－＠｜]/u;
const PLAIN_NUMBER = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?\s*$/i;

export function neutralizeFormula(text: string): string {
  if (!STARTS_A_FORMULA.test(text) || PLAIN_NUMBER.test(text)) return text;
  return `'${text}`;
}
