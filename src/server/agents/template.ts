import type { AgentStep } from "@/lib/contract/agent";
import { badStep } from "./errors";
import { AgentError, type AgentJob } from "./types";

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;

/** The row's cell for a column: exact name first, then ignoring case and surrounding spaces (CSV headers vary). */
function cell(row: Record<string, string>, column: string): string | undefined {
  if (column in row) return row[column];
  const wanted = column.trim().toLowerCase();
  const key = Object.keys(row).find((k) => k.trim().toLowerCase() === wanted);
  return key === undefined ? undefined : row[key];
}

/**
 * Replaces each {{column}} with the row's cell. A column the row lacks is a configuration mistake a retry cannot fix,
 * so it fails the job (not retryable) rather than typing an empty string.
 */
export function fillTemplate(template: string, row: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_, column: string) => {
    const value = cell(row, column);
    if (value === undefined) {
      throw new AgentError(`The step uses {{${column}}} but the row has no column "${column}"`, false, "invalid_step");
    }
    return value;
  });
}

/**
 * Like fillTemplate for a URL: a placeholder that starts the URL is taken as is (it is the URL, or its origin);
 * one further in is URL-encoded, so "?q={{name}}" survives spaces and ampersands.
 */
export function fillUrlTemplate(template: string, row: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (match: string, _column: string, offset: number) => {
    const value = fillTemplate(match, row);
    return offset === 0 ? value : encodeURIComponent(value);
  });
}

/** The absolute URL of a goto step, templated from the row and resolved against the current page. */
export function gotoTarget(step: AgentStep, index: number, job: AgentJob, currentUrl: string): string {
  const template = step.url ?? step.value;
  if (!template) throw badStep(index, "a goto step needs a url");
  const filled = fillUrlTemplate(template, job.row);
  try {
    return new URL(filled, currentUrl).toString();
  } catch {
    throw badStep(index, `"${filled}" is not a URL`);
  }
}
