import { invalidCsv } from "./csv";

/**
 * Which column holds the URL (and goal and id), and what a cell's URL really is. Pure rules, no I/O.
 */

export type UrlResult = { ok: true; url: string } | { ok: false; reason: string };

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const TLD = /^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * Turns a cell into an absolute http(s) URL, or says why it can't: `example.com` and `www.example.com/x`
 * are taken as `https://…`. The value is kept as the user wrote it (no trailing slash added), only completed.
 */
export function normalizeUrl(raw: string): UrlResult {
  const value = raw.trim();
  if (!value) return { ok: false, reason: "the URL is empty" };
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (/\s/.test(value)) return { ok: false, reason: `${shown} is not a URL: it contains spaces` };

  let candidate: string;
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  // "example.com:8080/x" has a port, not a scheme: a scheme's colon is not followed by a digit.
  const hasScheme = scheme !== undefined && !/^[^:]+:\d/.test(value);
  if (hasScheme) {
    if (scheme !== "http" && scheme !== "https") {
      return { ok: false, reason: `${shown} uses the "${scheme}:" scheme; only http and https URLs can be visited` };
    }
    if (!/^https?:\/\//i.test(value))
      return { ok: false, reason: `${shown} is not a valid URL: "//" must follow "${scheme}:"` };
    candidate = scheme + value.slice(scheme.length);
  } else {
    candidate = value.startsWith("//") ? `https:${value}` : `https://${value}`;
  }

  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return { ok: false, reason: `${shown} is not a valid URL` };
  }
  const hostProblem = checkHost(url.hostname, rawHost(candidate));
  if (hostProblem) return { ok: false, reason: `${shown} is not a usable URL: ${hostProblem}` };
  return { ok: true, url: candidate };
}

/** The host as written, before the URL parser rewrote it (it turns "3.5" into "3.0.0.5"). */
function rawHost(candidate: string): string {
  return (/^[a-z]+:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^/?#:]*)/i.exec(candidate)?.[1] ?? "").toLowerCase();
}

function checkHost(hostname: string, written: string): string | null {
  if (!hostname) return "it has no host name";
  if (hostname === "localhost" || hostname.startsWith("[")) return null;
  if (!hostname.includes(".")) return `its host "${hostname}" has no dot (a domain like example.com is expected)`;
  if (/^[\d.]+$/.test(hostname)) {
    return IPV4.test(written) && written === hostname
      ? null
      : `its host "${written}" is not a domain name or an IPv4 address`;
  }
  const labels = hostname.replace(/\.$/, "").split(".");
  if (labels.some((label) => label === "")) return `its host "${hostname}" has an empty part`;
  if (!TLD.test(labels[labels.length - 1]!)) return `its host "${hostname}" does not end in a valid top-level domain`;
  return null;
}

/** Header names that say "this is the URL column", e.g. url, Website, site_url, "Company link". */
const URL_NAME_WORDS = new Set(["url", "urls", "uri", "website", "site", "link", "domain", "homepage", "href", "web"]);

function hasUrlName(column: string): boolean {
  const words = column
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((word) => URL_NAME_WORDS.has(word));
}

/**
 * The column whose non-empty values most look like URLs or domains. A header named like a URL column wins
 * over a slightly better-looking other column, and is the fallback when no values look like URLs at all.
 */
/** Enough values to tell a URL column from another; more only costs time on very wide files. */
const DETECTION_VALUES_PER_COLUMN = 50;

/** A URL or a domain has a dot, a colon or is localhost; most cells of other columns fail this before any URL parsing. */
const mayBeUrl = (value: string) => value.includes(".") || value.includes(":") || /localhost/i.test(value);

export function detectUrlColumn(columns: readonly string[], rows: readonly (readonly string[])[]): string | null {
  // One pass over the cells the rows really have: a single wide row must not make every row count as wide.
  const valuesOf: string[][] = columns.map(() => []);
  for (const row of rows) {
    row.forEach((value, i) => {
      if (i < columns.length && value.trim() !== "") valuesOf[i]!.push(value);
    });
  }
  let best: { column: string; score: number } | null = null;
  columns.forEach((column, i) => {
    const values = valuesOf[i]!.slice(0, DETECTION_VALUES_PER_COLUMN);
    if (values.length === 0) return;
    const share = values.filter((v) => mayBeUrl(v) && normalizeUrl(v).ok).length / values.length;
    if (share === 0) return;
    const score = share + (hasUrlName(column) ? 0.25 : 0);
    if (!best || score > best.score) best = { column, score };
  });
  return (best as { column: string } | null)?.column ?? columns.find(hasUrlName) ?? null;
}

export interface ColumnChoice {
  urlColumn?: string | null;
  goalColumn?: string | null;
  idColumn?: string | null;
}

export interface ResolvedColumns {
  url: number;
  goal: number | null;
  id: number | null;
  names: { urlColumn: string; goalColumn: string | null; idColumn: string | null };
}

/**
 * Resolves the named columns (exactly, else ignoring case and spaces) and detects the URL column when none
 * is named. A name that matches no column is an invalid_csv error that lists the columns there are.
 */
export function resolveColumns(
  columns: readonly string[],
  sample: readonly (readonly string[])[],
  choice: ColumnChoice,
): ResolvedColumns {
  const find = (field: keyof ColumnChoice): number | null => {
    const wanted = choice[field]?.trim();
    if (!wanted) return null;
    let index = columns.indexOf(wanted);
    if (index < 0) {
      const loose = columns.flatMap((c, i) => (c.toLowerCase() === wanted.toLowerCase() ? [i] : []));
      if (loose.length === 1) index = loose[0]!;
    }
    if (index < 0) {
      throw invalidCsv(
        `${field} ${JSON.stringify(wanted)} is not a column of this CSV; its columns are: ${columns.map((c) => JSON.stringify(c)).join(", ")}`,
        {
          field,
          columns,
        },
      );
    }
    return index;
  };

  let url = find("urlColumn");
  if (url === null) {
    const detected = detectUrlColumn(columns, sample);
    if (detected === null) {
      throw invalidCsv(
        `No column holds URLs or domains; choose one with urlColumn. The columns are: ${columns.map((c) => JSON.stringify(c)).join(", ")}`,
        {
          columns,
        },
      );
    }
    url = columns.indexOf(detected);
  }
  const goal = find("goalColumn");
  const id = find("idColumn");
  return {
    url,
    goal,
    id,
    names: {
      urlColumn: columns[url]!,
      goalColumn: goal === null ? null : columns[goal]!,
      idColumn: id === null ? null : columns[id]!,
    },
  };
}
