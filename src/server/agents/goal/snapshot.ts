/**
 * The page as the model reads it: Playwright's AI aria snapshot (public API: `page.ariaSnapshotJSON({ mode: "ai" })`,
 * acted on with `page.getByRef(ref)`), rendered compactly. Only elements one can act on keep their ref; wrappers
 * without a name or text disappear; a link's target and a select's options sit on the element's own line. On the demo
 * shop this is about half the size of Playwright's own YAML and a fifth of the HTML (scripts/measure-goal-agent.ts).
 */

/** What Playwright's ariaSnapshotJSON gives per node (the properties used here; it is a free-form JSON value). */
interface AriaNode {
  role: string;
  name?: string;
  text?: string;
  ref?: string;
  cursor?: string;
  url?: string;
  placeholder?: string;
  checked?: boolean | "mixed";
  disabled?: boolean;
  expanded?: boolean;
  selected?: boolean;
  pressed?: boolean | "mixed";
  level?: number;
  children?: (AriaNode | string)[];
}

/** An element the model may act on, by its ref. */
export interface RefTarget {
  role: string;
  name: string;
}

export interface PageSnapshot {
  /** One line per element, indented by depth, refs in brackets: `button "Estimate delivery" [e34]`. */
  text: string;
  refs: Map<string, RefTarget>;
  /** True when lines past the size limit were left out. */
  cut: boolean;
}

const ACTIONABLE = new Set([
  "link",
  "button",
  "textbox",
  "searchbox",
  "combobox",
  "listbox",
  "checkbox",
  "radio",
  "switch",
  "slider",
  "spinbutton",
  "tab",
  "menuitem",
  "menuitemcheckbox",
  "menuitemradio",
  "option",
  "treeitem",
]);

/** Roles that add nothing when they have no name: their text and children are shown in their place. */
const TRANSPARENT = new Set(["generic", "none", "presentation", "paragraph", "group", "listitem", "text"]);

const MAX_TEXT_CHARS = 300;

const isNode = (value: unknown): value is AriaNode =>
  typeof value === "object" && value !== null && typeof (value as { role?: unknown }).role === "string";

const squash = (text: string) => {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > MAX_TEXT_CHARS ? `${one.slice(0, MAX_TEXT_CHARS - 1)}…` : one;
};

/** Renders Playwright's JSON snapshot (an array of nodes, or one) to the compact text, cut at `maxChars`. */
export function renderSnapshot(json: unknown, maxChars: number): PageSnapshot {
  const refs = new Map<string, RefTarget>();
  const lines: string[] = [];
  const roots = Array.isArray(json) ? json : [json];
  for (const root of roots) renderChild(root, 0, false, lines, refs);

  let text = "";
  let shown = 0;
  for (const line of lines) {
    if (text.length + line.length + 1 > maxChars) break;
    text += `${line}\n`;
    shown++;
  }
  const cut = shown < lines.length;
  if (cut) {
    // Refs of lines the model never saw are not offered: acting on them would be acting blind.
    const visible = new Set([...text.matchAll(/\[((?:f\d+)?e\d+)\]/g)].map((m) => m[1]!));
    for (const ref of refs.keys()) if (!visible.has(ref)) refs.delete(ref);
    text += `… ${lines.length - shown} more lines not shown (the page is longer than the snapshot limit)\n`;
  }
  return { text: text.trimEnd(), refs, cut };
}

function renderChild(
  child: unknown,
  depth: number,
  insideActionable: boolean,
  lines: string[],
  refs: Map<string, RefTarget>,
): void {
  const indent = "  ".repeat(depth);
  if (typeof child === "string") {
    const text = squash(child);
    if (text) lines.push(`${indent}- ${JSON.stringify(text)}`);
    return;
  }
  if (!isNode(child)) return;

  const name = child.name ? squash(child.name) : "";
  const actionable = !insideActionable && (ACTIONABLE.has(child.role) || child.cursor === "pointer");
  const ref = actionable && child.ref ? child.ref : undefined;
  if (ref) refs.set(ref, { role: child.role, name });
  const children = child.children ?? [];
  const text = child.text ? squash(child.text) : "";

  if (!ref && !name && TRANSPARENT.has(child.role)) {
    if (text) lines.push(`${indent}- ${JSON.stringify(text)}`);
    for (const c of children) renderChild(c, depth, insideActionable, lines, refs);
    return;
  }

  const options = children.filter(isNode).filter((c) => c.role === "option" && !c.ref);
  const optionsInline = options.length > 0 && options.length === children.length;
  const parts = [child.role];
  if (name) parts.push(JSON.stringify(name));
  if (ref) parts.push(`[${ref}]`);
  parts.push(...states(child));
  if (child.placeholder) parts.push(`placeholder=${JSON.stringify(squash(child.placeholder))}`);
  if (child.url) parts.push(`→ ${squash(child.url)}`);
  let line = `${indent}- ${parts.join(" ")}`;
  if (optionsInline) {
    line += ` options: ${options.map((o) => `${JSON.stringify(squash(o.name ?? ""))}${o.selected ? " (selected)" : ""}`).join(", ")}`;
  } else if (text && text !== name) {
    line += `: ${JSON.stringify(text)}`;
  }
  lines.push(line);
  if (optionsInline) return;
  for (const c of children) renderChild(c, depth + 1, insideActionable || ref !== undefined, lines, refs);
}

function states(node: AriaNode): string[] {
  const out: string[] = [];
  if (node.role === "heading" && node.level) out.push(`[level=${node.level}]`);
  if (node.disabled) out.push("[disabled]");
  if (node.checked === true) out.push("[checked]");
  if (node.checked === false && /checkbox|radio|switch|menuitem/.test(node.role)) out.push("[unchecked]");
  if (node.checked === "mixed") out.push("[checked=mixed]");
  if (node.expanded === true) out.push("[expanded]");
  if (node.expanded === false) out.push("[collapsed]");
  if (node.selected === true) out.push("[selected]");
  if (node.pressed === true) out.push("[pressed]");
  return out;
}
