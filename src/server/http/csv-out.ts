import { neutralizeFormula } from "../executions/formula-guard";

/**
 * One CSV line (RFC 4180, CRLF) of the files fleetdeck hands out: objects as JSON, and any cell a spreadsheet
 * would run as a formula neutralised (the file may hold text from pages nobody trusts).
 */
export function csvLine(values: unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

function csvCell(value: unknown): string {
  const text = neutralizeFormula(
    value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value),
  );
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
