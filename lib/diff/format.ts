/**
 * `formatLabDiff`: a {@link LabDiff} as text for a terminal or a pull request: warnings
 * first, then Kubernetes, Nix and other files, in a stable order. Colour only when asked.
 */
import { resourceLabel } from "./documents.js";
import type { JsonValue } from "./nix-parse.js";
import type { FieldChange, HostChange, LabDiff, ResourceChange } from "./types.js";

/** Options for {@link formatLabDiff}. */
export interface FormatLabDiffOptions {
  /**
   * ANSI colours (red for removals and warnings, green for additions, yellow for changes).
   * @default false - plain text; the CLI turns it on for a TTY without NO_COLOR
   */
  readonly color?: boolean;
  /**
   * Longest value shown before it is cut with `…`.
   * @default 120
   */
  readonly maxValueLength?: number;
}

type Paint = (code: number, text: string) => string;

const PLAIN_VALUE = /^[A-Za-z0-9_./:@+=,~-]+$/;

/** A value as one line: plain words bare, other strings quoted, lists and objects as compact JSON. */
export function formatValue(v: JsonValue | undefined, max = 120): string {
  let text: string;
  if (v === undefined) text = "(none)";
  else if (typeof v === "string") {
    text = PLAIN_VALUE.test(v) ? v : JSON.stringify(v);
    const lines = v.split("\n").length;
    if (lines > 2) text = `(${lines} lines) ${text}`;
  } else text = JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function field(f: FieldChange, max: number): string {
  return `${f.path} ${formatValue(f.before, max)} -> ${formatValue(f.after, max)}`;
}

function resourceLines(c: ResourceChange, paint: Paint, max: number): string[] {
  const label = resourceLabel(c);
  switch (c.change) {
    case "added":
      return [`${paint(32, `  + ${label}`)}  (${c.file})`];
    case "removed":
      return [`${paint(31, `  - ${label}`)}  (${c.file})`];
    case "moved":
    case "changed": {
      const head = c.change === "moved" ? `  > ${label}: moved ${c.fromFile} -> ${c.file}` : `  ~ ${label}:`;
      if (c.change === "changed" && c.fields.length === 1) return [`${paint(33, head)} ${field(c.fields[0]!, max)}`];
      return [paint(33, head), ...c.fields.map((f) => `      ${field(f, max)}`)];
    }
  }
}

function diffLists(before: readonly string[], after: readonly string[]): string {
  const plus = after.filter((x) => !before.includes(x)).map((x) => `+${x}`);
  const minus = before.filter((x) => !after.includes(x)).map((x) => `-${x}`);
  const parts = [...plus, ...minus];
  return parts.length > 0 ? parts.join(" ") : `order ${before.join(", ")} -> ${after.join(", ")}`;
}

function hostLines(h: HostChange, paint: Paint, max: number): string[] {
  const out: string[] = [];
  if (h.change === "added") {
    out.push(`${paint(32, `  + host ${h.hostname}`)}  ${h.address} roles: ${h.roles.join(", ") || "(none)"}`);
  } else if (h.change === "removed") {
    out.push(`${paint(31, `  - host ${h.hostname}`)}  ${h.address} roles: ${h.roles.join(", ") || "(none)"}`);
  } else out.push(paint(33, `  ~ host ${h.hostname}:`));
  if (h.k3s !== undefined) out.push(`      k3s ${h.k3s.before} -> ${h.k3s.after}`);
  if (h.imports !== undefined && h.change === "changed")
    out.push(`      imports ${diffLists(h.imports.before, h.imports.after)}`);
  if (h.firewall.opened.length > 0) out.push(`      firewall opens ${h.firewall.opened.join(", ")}`);
  if (h.firewall.closed.length > 0) out.push(`      firewall closes ${h.firewall.closed.join(", ")}`);
  for (const f of h.fields) out.push(`      ${field(f, max)}`);
  return out;
}

function count(n: number, word: string): string {
  return `${n} ${word}`;
}

function files(n: number): string {
  return n === 1 ? "1 file" : `${n} files`;
}

/** The diff as text; "No changes." when the trees are identical. */
export function formatLabDiff(diff: LabDiff, options: FormatLabDiffOptions = {}): string {
  const color = options.color === true;
  const max = options.maxValueLength ?? 120;
  const paint: Paint = (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const bold = (text: string) => (color ? `\u001b[1m${text}\u001b[0m` : text);
  const lines: string[] = [];
  const { added, removed, changed } = diff.files;
  if (added.length + removed.length + changed.length === 0) return "No changes.\n";

  if (diff.warnings.length > 0) {
    lines.push(bold(paint(31, `Warnings (${diff.warnings.length})`)));
    for (const w of diff.warnings) lines.push(paint(31, `  ! ${w.kind}: `) + w.message);
  }
  if (diff.kubernetes.length > 0) {
    const by = (c: ResourceChange["change"]) => diff.kubernetes.filter((k) => k.change === c).length;
    const summary = [
      count(by("added"), "added"),
      count(by("removed"), "removed"),
      count(by("changed"), "changed"),
      count(by("moved"), "moved"),
    ].filter((s) => !s.startsWith("0 "));
    if (lines.length > 0) lines.push("");
    lines.push(bold(`Kubernetes (${summary.join(", ")})`));
    for (const c of diff.kubernetes) lines.push(...resourceLines(c, paint, max));
  }
  if (diff.nix.lab.length > 0 || diff.nix.hosts.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(bold("Nix"));
    if (diff.nix.lab.length > 0) {
      lines.push(paint(33, "  ~ vars.nix:"));
      for (const f of diff.nix.lab) lines.push(`      ${field(f, max)}`);
    }
    for (const h of diff.nix.hosts) lines.push(...hostLines(h, paint, max));
  }
  if (diff.notes.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(bold("Files"));
    for (const n of diff.notes) lines.push(`  ${n.file}: ${n.note}`);
  }
  lines.push("");
  lines.push(`${files(added.length)} added, ${files(removed.length)} removed, ${files(changed.length)} changed.`);
  return `${lines.join("\n")}\n`;
}
