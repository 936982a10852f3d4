/**
 * Problems found while validating a homelab: each names the offending value by
 * its path in the user's definition, says what is wrong and what to do.
 */

/** A path into the user's spec, e.g. `["hosts", 3, "address"]`. */
export type SpecPath = readonly (string | number)[];

/** Where a value is written in a spec file (YAML or JSON): 1-based line and column. */
export interface SpecPosition {
  readonly line: number;
  readonly column: number;
}

/** One problem with a homelab definition. */
export interface Problem {
  /** `error` stops the run; `warning` is printed and the run goes on. */
  readonly level: "error" | "warning";
  /** Where the offending value is, e.g. `["network", "loadBalancerIps", "ingress"]`. */
  readonly path: SpecPath;
  /** What is wrong, naming the value. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
  /**
   * Where the value is written, for a spec parsed from a YAML or JSON file.
   * @default undefined - a spec written in TypeScript (its path says where)
   */
  readonly position?: SpecPosition;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a path the way it is written in TypeScript: `hosts[3].address`, `loadBalancerIps["my-ip"]`,
 * `(root)` for the empty path. With `from`, the path goes on from that expression: `$.spec.replicas`.
 */
export function formatPath(path: SpecPath, from = ""): string {
  let out = from;
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === "" ? "(root)" : out;
}

/** The longest string {@link describeValue} quotes in full. */
const SHOWN_STRING_LENGTH = 40;

/**
 * A short description of any value for an error message: `"text"` (cut after 40 characters),
 * `number 5`, `boolean true`, `bigint 1n`, `null`, `undefined`, `Symbol(x)`, `function build`,
 * `a list`, `an object`, `instance of Date`.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string":
      return JSON.stringify(value.length > SHOWN_STRING_LENGTH ? `${value.slice(0, SHOWN_STRING_LENGTH)}…` : value);
    case "number":
    case "boolean":
      return `${typeof value} ${String(value)}`;
    case "bigint":
      return `bigint ${value}n`;
    case "symbol":
      return value.toString();
    case "function":
      return `function ${value.name || "(anonymous)"}`;
    default: {
      if (value === null) return "null";
      if (Array.isArray(value)) return "a list";
      const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
      if (proto === null || proto === Object.prototype) return "an object";
      const name = proto.constructor?.name;
      return name ? `instance of ${name}` : "an object with a custom prototype";
    }
  }
}

/** One line (or a few) per problem: `error: hosts[1].address: ... Fix.` */
export function formatProblem(p: Problem, source?: string): string {
  const at = p.position === undefined ? "" : `${p.position.line}:${p.position.column}`;
  const file = source === undefined ? at : at === "" ? source : `${source}:${at}`;
  // A syntax problem of a spec file has no path: its line and column say where it is.
  const what = p.path.length === 0 && at !== "" ? [] : [formatPath(p.path)];
  const where = [...(file === "" ? [] : [file]), ...what].join(": ");
  return `${p.level}: ${where}: ${p.message}. ${p.fix}`;
}

/** All problems, errors first, in a stable order. */
export function formatProblems(problems: readonly Problem[], source?: string): string {
  const sorted = [...problems.filter((p) => p.level === "error"), ...problems.filter((p) => p.level === "warning")];
  return sorted.map((p) => formatProblem(p, source)).join("\n");
}

/** Thrown when a homelab definition has at least one error; carries every problem found. */
export class HomelabValidationError extends Error {
  constructor(
    readonly problems: readonly Problem[],
    readonly source?: string,
  ) {
    const errors = problems.filter((p) => p.level === "error").length;
    super(
      `the homelab definition has ${errors} error${errors === 1 ? "" : "s"}; nothing was written:\n` +
        formatProblems(problems, source),
    );
    this.name = "HomelabValidationError";
  }

  /** Only the errors. */
  get errors(): readonly Problem[] {
    return this.problems.filter((p) => p.level === "error");
  }
}

/** Collects problems during validation; never throws. */
export class ProblemCollector {
  readonly problems: Problem[] = [];

  error(path: SpecPath, message: string, fix: string): void {
    this.problems.push({ level: "error", path, message, fix });
  }

  warning(path: SpecPath, message: string, fix: string): void {
    this.problems.push({ level: "warning", path, message, fix });
  }

  get hasErrors(): boolean {
    return this.problems.some((p) => p.level === "error");
  }
}
