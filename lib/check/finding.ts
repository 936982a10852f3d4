/**
 * What a check reports. One shape for every check (schemas, policies, cross-layer references),
 * so `synth` prints them the same way and `check --json` lists them as data.
 */

/** `error` stops synth (nothing is written); `warning` is printed and synth goes on. */
export type Severity = "error" | "warning";

/** One problem a check found, with where it is and what to do. */
export interface Finding {
  /** The check's id, e.g. `schema` or `no-cpu-limit`; the key of its opt-out annotation. */
  readonly check: string;
  readonly severity: Severity;
  /**
   * The generated file the document is written to, e.g. `dist/apps/jellyfin.yaml`.
   * @default undefined - not about one file (e.g. a fact of the model)
   */
  readonly file?: string;
  /**
   * The document, as `Kind namespace/name` (or `Kind name` when cluster-scoped).
   * @default undefined - not about one document
   */
  readonly object?: string;
  /**
   * Where in the document (`spec.template.spec.containers[0].image`) or in the spec
   * (`hosts[0].address`) the offending value is.
   * @default undefined - the whole document
   */
  readonly path?: string;
  /**
   * The construct path that made the document, e.g. `homelab/apps/jellyfin/Deployment`.
   * @default undefined - not made by one construct
   */
  readonly construct?: string;
  /** What is wrong, naming the offending value. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped object. */
export function describeObject(doc: {
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown };
}): string {
  const kind = typeof doc.kind === "string" ? doc.kind : "object";
  const name = typeof doc.metadata?.name === "string" ? doc.metadata.name : "(unnamed)";
  const ns = doc.metadata?.namespace;
  return typeof ns === "string" ? `${kind} ${ns}/${name}` : `${kind} ${name}`;
}

/**
 * One line for people: `[check] file: Kind ns/name at path: message; fix (from construct)`.
 * The severity is left to the caller (it prints `error:` or `warning:` in its own colour).
 */
export function formatFinding(f: Finding): string {
  const where = [f.file, f.object].filter((s) => s !== undefined).join(": ");
  const at = f.path === undefined ? "" : ` at ${f.path}`;
  const lead = where === "" ? (f.path ?? "") : `${where}${at}`;
  const from = f.construct === undefined ? "" : ` (made by ${f.construct})`;
  return `[${f.check}] ${lead === "" ? "" : `${lead}: `}${f.message}; ${f.fix}${from}`;
}

/**
 * The lines synth prints for `findings`: each check's first `perCheck` findings, then one line that
 * counts the rest, so a lab of a thousand apps with one habit a check warns about gets a screenful
 * instead of a thousand lines. `cdk8s-homelab check` (and `check --json`) still lists every one.
 */
export function summarizeFindings(findings: readonly Finding[], perCheck: number): string[] {
  const byCheck = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byCheck.get(f.check) ?? [];
    list.push(f);
    byCheck.set(f.check, list);
  }
  const lines: string[] = [];
  for (const [check, list] of byCheck) {
    for (const f of list.slice(0, perCheck)) lines.push(formatFinding(f));
    const rest = list.length - perCheck;
    if (rest > 0) {
      lines.push(
        `[${check}] ... and ${rest} more like ${rest === 1 ? "it" : "these"} ` +
          "(`cdk8s-homelab check` lists them all)",
      );
    }
  }
  return lines;
}
