import type { CheerioAPI } from "cheerio";
import type { AgentField } from "@/lib/contract/agent";
import { TRUNCATED_KEY } from "@/lib/contract/agent";
import { missingField } from "./errors";
import { type ExtractionLimits, extractionLimits, truncateUtf8 } from "./limits";
import { AgentError } from "./types";

/**
 * Field extraction rules shared by both engines. Each engine only collects the raw values of the elements a selector
 * matches (the browser in the page, the http engine with cheerio); the rules that turn them into extracted data —
 * trimming, one or all matches, absolute links, required fields, the default set — live here once.
 */

/** With no configured fields: page title, meta description, first h1, canonical URL (plus the HTTP status). */
export const DEFAULT_FIELDS: AgentField[] = [
  { name: "title", selector: "title", attribute: "textContent", multiple: false, required: false },
  {
    name: "metaDescription",
    selector: 'meta[name="description" i]',
    attribute: "content",
    multiple: false,
    required: false,
  },
  { name: "h1", selector: "h1", attribute: "textContent", multiple: false, required: false },
  { name: "canonicalUrl", selector: 'link[rel="canonical" i]', attribute: "href", multiple: false, required: false },
];

export function fieldsToExtract(configured: AgentField[]): { fields: AgentField[]; isDefaultSet: boolean } {
  return configured.length > 0
    ? { fields: configured, isDefaultSet: false }
    : { fields: DEFAULT_FIELDS, isDefaultSet: true };
}

/** Attributes whose values are links: returned absolute, resolved against the page's URL. */
const LINK_ATTRIBUTES = new Set(["href", "src", "action", "poster", "data-href", "data-src"]);

/**
 * What an engine collects per field: for each matching element (all of them when `multiple`, else the first),
 * its text (attribute "textContent" / "innerText"), its inner HTML ("innerHTML"), or the attribute's value (null
 * when the element lacks it). Collection is already bounded by the limits (in characters, inside the page for the
 * browser): `cut` says a value was shortened or matches were left out.
 */
export interface RawField {
  values: (string | null)[];
  cut: boolean;
}
export type RawMatches = RawField[];

/** The key of the extracted data that lists the fields whose values were truncated (present only when some were). */
export { TRUNCATED_KEY };

/** Collapses runs of whitespace (text of nested markup spans lines) and trims. */
export const cleanText = (s: string) => s.replace(/\s+/g, " ").trim();

function finish(raw: string | null, attribute: string, pageUrl: string): string | null {
  if (raw === null) return null;
  if (attribute === "innerHTML" || attribute === "outerHTML") return raw.trim();
  const text = cleanText(raw);
  if (LINK_ATTRIBUTES.has(attribute.toLowerCase()) && text) {
    try {
      return new URL(text, pageUrl).toString();
    } catch {
      return text;
    }
  }
  return text;
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** The longest prefix of `text` whose JSON form fits in `maxJsonBytes` (escaping can make it longer than the text). */
function fitJson(text: string, maxJsonBytes: number): { text: string; truncated: boolean } {
  if (jsonBytes(text) <= maxJsonBytes) return { text, truncated: false };
  let room = maxJsonBytes - 2;
  for (;;) {
    const cut = truncateUtf8(text, Math.max(0, room));
    const over = jsonBytes(cut.text) - maxJsonBytes;
    if (over <= 0 || room <= 0) return { text: over <= 0 ? cut.text : "", truncated: true };
    room -= over;
  }
}

/**
 * Builds the extracted data from raw matches. A single field without a match is null; a multiple field is the list
 * of its non-empty values. A `required` field without a value fails the job (not retryable), naming the field.
 *
 * Limits: a field's values together hold at most `maxFieldBytes` (UTF-8); the whole result, as stored JSON, at most
 * `maxResultBytes` (fields in configured order; once it is full, later fields are null or empty). Every field cut
 * short is named in `_truncated`, so the results table and the exports show it as a column of its own.
 */
export function buildExtractedData(
  fields: AgentField[],
  raw: RawMatches,
  page: { url: string; httpStatus?: number; isDefaultSet: boolean },
  limits: ExtractionLimits = extractionLimits(),
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const truncated: string[] = [];
  // What the result holds whatever the values: every key with a null, the status, and a full truncation list.
  const skeleton = {
    ...Object.fromEntries(fields.map((f) => [f.name, null])),
    httpStatus: 999,
    [TRUNCATED_KEY]: fields.map((f) => f.name),
  };
  let room = Math.max(0, limits.maxResultBytes - jsonBytes(skeleton));
  fields.forEach((field, i) => {
    const collected = raw[i] ?? { values: [], cut: false };
    const values = collected.values.map((v) => finish(v, field.attribute, page.url));
    const present = values.filter((v): v is string => v !== null && v !== "");
    if (field.required && present.length === 0) throw missingField(field.name, field.selector, page.url);
    let cut = collected.cut;
    let fieldRoom = limits.maxFieldBytes;
    const take = (text: string, overhead: number): string | null => {
      const bound = truncateUtf8(text, fieldRoom);
      const fitted = fitJson(bound.text, Math.max(0, room - overhead));
      if (bound.truncated || fitted.truncated) cut = true;
      if (fitted.text === "" && text !== "") return null;
      fieldRoom -= Buffer.byteLength(fitted.text);
      room -= jsonBytes(fitted.text) + overhead;
      return fitted.text;
    };
    if (field.multiple) {
      const kept: string[] = [];
      for (const value of present) {
        // Each further list item costs its comma; the first replaces the skeleton's null with "[...]".
        const taken = fieldRoom > 0 && room > 0 ? take(value, kept.length === 0 ? -2 : 1) : null;
        if (taken === null) {
          cut = true;
          break;
        }
        kept.push(taken);
      }
      data[field.name] = kept;
    } else {
      const first = values[0] ?? null;
      data[field.name] = first === null ? null : take(first, -4);
    }
    if (cut) truncated.push(field.name);
  });
  if (page.isDefaultSet) data.httpStatus = page.httpStatus ?? null;
  if (truncated.length > 0) data[TRUNCATED_KEY] = truncated;
  return data;
}

/** "Extracting 4 fields" (the default set counts the HTTP status as a field, as the user sees it). */
export function extractingWords(count: number): string {
  return `Extracting ${count} field${count === 1 ? "" : "s"}`;
}

type FieldQuery = Pick<AgentField, "name" | "selector" | "attribute" | "multiple">;

export const invalidSelector = (field: FieldQuery) =>
  new AgentError(`Field "${field.name}": "${field.selector}" is not a valid CSS selector`, false, "invalid_selector");

/**
 * Bounds for collection, in characters (each is at least one UTF-8 byte, so the byte limits bound them): a field
 * stops at the field limit, and collection stops once the whole result's limit is spent.
 */
function collectionBudget(limits: ExtractionLimits) {
  let left = limits.maxResultBytes;
  return {
    field: () => Math.min(limits.maxFieldBytes, Math.max(0, left)),
    spend: (chars: number) => (left -= chars + 8),
    spent: () => left <= 0,
  };
}

function selectAll($: CheerioAPI, field: FieldQuery) {
  try {
    return $(field.selector).toArray();
  } catch {
    throw invalidSelector(field);
  }
}

/** Raw matches with cheerio (http engine). */
export function collectWithCheerio(
  $: CheerioAPI,
  fields: FieldQuery[],
  limits: ExtractionLimits = extractionLimits(),
): RawMatches {
  const budget = collectionBudget(limits);
  return fields.map((field) => {
    const matched = selectAll($, field);
    const elements = field.multiple ? matched : matched.slice(0, 1);
    const collected: RawField = { values: [], cut: false };
    let fieldLeft = budget.field();
    for (const el of elements) {
      if (budget.spent() || fieldLeft <= 0) {
        collected.cut = true;
        break;
      }
      const value = rawValue($, el, field.attribute);
      const kept = value !== null && value.length > fieldLeft ? value.slice(0, fieldLeft) : value;
      if (kept !== value) collected.cut = true;
      collected.values.push(kept);
      fieldLeft -= kept?.length ?? 0;
      budget.spend(kept?.length ?? 0);
    }
    return collected;
  });
}

function rawValue($: CheerioAPI, el: Parameters<CheerioAPI>[0], attribute: string): string | null {
  const node = $(el);
  switch (attribute) {
    case "textContent":
    case "innerText":
      return node.text();
    case "innerHTML":
      return node.html() ?? "";
    case "outerHTML":
      return $.html(el);
    default:
      return node.attr(attribute) ?? null;
  }
}

/**
 * Raw matches in the page (browser engine), the same rules on the live DOM, bounded inside the page so a huge value
 * never crosses to the server: text is read node by node and stops at the limit. Kept as source text for
 * page.evaluate: a transpiled function could reference helpers (e.g. esbuild's __name) that the page lacks.
 * Returns { invalid: index } when a selector does not parse.
 */
export const COLLECT_IN_PAGE = `(fields, limits) => {
  let left = limits.maxResultBytes;
  const textOf = (el, max) => {
    let text = "";
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      text += node.data.length > max + 1 - text.length ? node.data.slice(0, max + 1 - text.length) : node.data;
      if (text.length > max) break;
    }
    return text;
  };
  const out = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    let els;
    try { els = Array.from(document.querySelectorAll(f.selector)); } catch (e) { return { invalid: i }; }
    if (!f.multiple) els = els.slice(0, 1);
    const collected = { values: [], cut: false };
    let fieldLeft = Math.min(limits.maxFieldBytes, Math.max(0, left));
    for (const el of els) {
      if (left <= 0 || fieldLeft <= 0) { collected.cut = true; break; }
      let value;
      if (f.attribute === "textContent") value = textOf(el, fieldLeft);
      else if (f.attribute === "innerText") value = el.innerText !== undefined ? el.innerText : textOf(el, fieldLeft);
      else if (f.attribute === "innerHTML") value = el.innerHTML;
      else if (f.attribute === "outerHTML") value = el.outerHTML;
      else value = el.getAttribute(f.attribute);
      if (value !== null && value.length > fieldLeft) { value = value.slice(0, fieldLeft); collected.cut = true; }
      collected.values.push(value);
      const used = value === null ? 0 : value.length;
      fieldLeft -= used;
      left -= used + 8;
    }
    out.push(collected);
  }
  return { matches: out };
}`;
