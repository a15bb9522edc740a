/**
 * How a CSV's columns are named, on the server that stores a batch and in the browser that previews it, so that
 * the column a user picks in the preview is the column the server knows.
 */

/**
 * Header names made unique and non-empty: duplicates become `name`, `name_2`, …; an empty name becomes
 * `column_<position>` (1-based). A generated name never takes a name that the header already uses.
 */
export function uniqueColumnNames(raw: readonly string[]): string[] {
  return new ColumnNames(raw).all;
}

/**
 * The unique names of a table's columns, to which columns for extra cells are added one at a time. Each name
 * costs amortised constant time: the next suffix to try is remembered per base name (a suffix once refused stays
 * refused, since names are only ever added), so a header of thousands of repeated names is linear too.
 */
export class ColumnNames {
  readonly all: string[] = [];
  private readonly taken: Set<string>;
  private readonly used = new Set<string>();
  private readonly nextSuffix = new Map<string, number>();

  constructor(header: readonly string[]) {
    const trimmed = header.map((name) => name.trim());
    this.taken = new Set(trimmed.filter(Boolean));
    for (const name of trimmed) this.add(name);
  }

  /** Names the column at the next position, for an extra cell beyond the header. */
  addGenerated(): string {
    return this.add("");
  }

  private add(name: string): string {
    const base = name || `column_${this.all.length + 1}`;
    // The first occurrence of a header name keeps it; later ones and generated names look for a free suffix.
    let candidate = base;
    if (this.used.has(candidate) || (candidate !== name && this.taken.has(candidate))) {
      let n = this.nextSuffix.get(base) ?? 2;
      for (
        candidate = `${base}_${n}`;
        this.used.has(candidate) || this.taken.has(candidate);
        candidate = `${base}_${++n}`
      );
      this.nextSuffix.set(base, n + 1);
    }
    this.used.add(candidate);
    this.all.push(candidate);
    return candidate;
  }
}
