import type { CheerioAPI } from "cheerio";
import type { AgentField } from "@/lib/contract/agent";
import { missingField } from "./errors";
import { AgentError } from "./types";

/**
 * Field extraction rules shared by both engines. Each engine only collects the raw values of the elements a selector
 * matches (the browser in the page, the http engine with cheerio); the rules that turn them into extracted data —
 * trimming, one or all matches, absolute links, required fields, the default set — live here once.
 */

/** With no configured fields: page title, meta description, first h1, canonical URL (plus the HTTP status). */
export const DEFAULT_FIELDS: AgentField[] = [
  { name: "title", selector: "title", attribute: "textContent", multiple: false, required: false },
  { name: "metaDescription", selector: 'meta[name="description" i]', attribute: "content", multiple: false, required: false },
  { name: "h1", selector: "h1", attribute: "textContent", multiple: false, required: false },
  { name: "canonicalUrl", selector: 'link[rel="canonical" i]', attribute: "href", multiple: false, required: false },
];

export function fieldsToExtract(configured: AgentField[]): { fields: AgentField[]; isDefaultSet: boolean } {
  return configured.length > 0 ? { fields: configured, isDefaultSet: false } : { fields: DEFAULT_FIELDS, isDefaultSet: true };
}

/** Attributes whose values are links: returned absolute, resolved against the page's URL. */
const LINK_ATTRIBUTES = new Set(["href", "src", "action", "poster", "data-href", "data-src"]);

/**
 * What an engine collects per field: for each matching element (all of them when `multiple`, else the first),
 * its text (attribute "textContent" / "innerText"), its inner HTML ("innerHTML"), or the attribute's value (null
 * when the element lacks it).
 */
export type RawMatches = (string | null)[][];

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

/**
 * Builds the extracted data from raw matches. A single field without a match is null; a multiple field is the list
 * of its non-empty values. A `required` field without a value fails the job (not retryable), naming the field.
 */
export function buildExtractedData(
  fields: AgentField[],
  raw: RawMatches,
  page: { url: string; httpStatus?: number; isDefaultSet: boolean },
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  fields.forEach((field, i) => {
    const values = (raw[i] ?? []).map((v) => finish(v, field.attribute, page.url));
    const present = values.filter((v): v is string => v !== null && v !== "");
    if (field.required && present.length === 0) throw missingField(field.name, field.selector, page.url);
    data[field.name] = field.multiple ? present : (values[0] ?? null);
  });
  if (page.isDefaultSet) data.httpStatus = page.httpStatus ?? null;
  return data;
}

/** "Extracting 4 fields" (the default set counts the HTTP status as a field, as the user sees it). */
export function extractingWords(count: number): string {
  return `Extracting ${count} field${count === 1 ? "" : "s"}`;
}

type FieldQuery = Pick<AgentField, "name" | "selector" | "attribute" | "multiple">;

export const invalidSelector = (field: FieldQuery) =>
  new AgentError(`Field "${field.name}": "${field.selector}" is not a valid CSS selector`, false, "invalid_selector");

/** Raw matches with cheerio (http engine). */
export function collectWithCheerio($: CheerioAPI, fields: FieldQuery[]): RawMatches {
  return fields.map((field) => {
    let elements;
    try {
      elements = $(field.selector).toArray();
    } catch {
      throw invalidSelector(field);
    }
    if (!field.multiple) elements = elements.slice(0, 1);
    return elements.map((el) => {
      const node = $(el);
      switch (field.attribute) {
        case "textContent":
        case "innerText":
          return node.text();
        case "innerHTML":
          return node.html() ?? "";
        case "outerHTML":
          return $.html(el);
        default:
          return node.attr(field.attribute) ?? null;
      }
    });
  });
}

/**
 * Raw matches in the page (browser engine), the same rules on the live DOM. Kept as source text for
 * page.evaluate: a transpiled function could reference helpers (e.g. esbuild's __name) that the page lacks.
 * Returns { invalid: index } when a selector does not parse.
 */
export const COLLECT_IN_PAGE = `(fields) => {
  const out = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    let els;
    try { els = Array.from(document.querySelectorAll(f.selector)); } catch (e) { return { invalid: i }; }
    if (!f.multiple) els = els.slice(0, 1);
    out.push(els.map((el) => {
      if (f.attribute === "textContent") return el.textContent || "";
      if (f.attribute === "innerText") return el.innerText !== undefined ? el.innerText : (el.textContent || "");
      if (f.attribute === "innerHTML") return el.innerHTML;
      if (f.attribute === "outerHTML") return el.outerHTML;
      return el.getAttribute(f.attribute);
    }));
  }
  return { matches: out };
}`;
