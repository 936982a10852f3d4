/**
 * Test helpers that run the real Nix evaluator (`nix-instantiate`, Nix ≥ 2.8)
 * without a daemon (`NIX_REMOTE=dummy://`), plus a batched, exact
 * "printed value == expected value" checker evaluated *inside* Nix.
 *
 * When `nix-instantiate` is missing, {@link describeNix} / {@link itNix}
 * skip their tests and print one notice; with `CI=true` a missing Nix is an
 * error instead, so CI can never silently skip the real-evaluator checks.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";

/** Environment for every `nix-instantiate` call: no daemon, no store writes. */
export function nixEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NIX_REMOTE: "dummy://" };
}

let available: boolean | undefined;

/** Whether `nix-instantiate` can be run (cached). */
export function nixAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync("nix-instantiate", ["--version"], { encoding: "utf8", env: nixEnv(), timeout: 30_000 });
    available = r.error === undefined && r.status === 0;
  }
  return available;
}

const SKIP_NOTICE =
  "Nix tests skipped: nix-instantiate not found. Install Nix (Debian: apt-get install -y nix-bin) to run them.";
let noticePrinted = false;

/**
 * True when Nix tests should run. Prints the skip notice once when Nix is
 * missing, and throws when it is missing under `CI=true`.
 */
export function shouldRunNixTests(): boolean {
  if (nixAvailable()) return true;
  if (process.env.CI === "true") {
    throw new Error(
      "nix-instantiate not found, but CI=true requires the Nix tests to run. " +
        "Install Nix (Debian: apt-get install -y nix-bin).",
    );
  }
  if (!noticePrinted) {
    noticePrinted = true;
    console.warn(SKIP_NOTICE);
  }
  return false;
}

/** `describe` that needs the real Nix evaluator (skipped with a notice when it is missing; fails under CI=true). */
export function describeNix(name: string, fn: () => void): void {
  describe.skipIf(!shouldRunNixTests())(name, fn);
}

/** `it` that needs the real Nix evaluator (skipped with a notice when it is missing; fails under CI=true). */
export function itNix(name: string, fn: () => void | Promise<void>, timeout?: number): void {
  it.skipIf(!shouldRunNixTests())(name, fn, timeout);
}

/** What to evaluate: a file path, or an expression (relative paths in it resolve against `dir`, default cwd). */
export type NixSource = string | { readonly file: string } | { readonly expr: string; readonly dir?: string };

/** Error from a failed `nix-instantiate` run, carrying its stderr. */
export class NixRunError extends Error {
  override readonly name = "NixRunError";
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

function sourceArgs(src: NixSource): { args: string[]; cwd?: string } {
  if (typeof src === "string") return { args: [src] };
  if ("file" in src) return { args: [src.file] };
  return { args: ["-E", src.expr], ...(src.dir !== undefined ? { cwd: src.dir } : {}) };
}

/** Runs `nix-instantiate` with `args` and returns stdout; throws {@link NixRunError} with stderr on failure. */
export function runNixInstantiate(args: readonly string[], cwd?: string): string {
  try {
    return execFileSync("nix-instantiate", [...args], {
      encoding: "utf8",
      env: nixEnv(),
      maxBuffer: 256 * 1024 * 1024,
      timeout: 120_000,
      stdio: ["ignore", "pipe", "pipe"],
      ...(cwd !== undefined ? { cwd } : {}),
    });
  } catch (e) {
    const err = e as { stderr?: string | Buffer; message?: string };
    const stderr = String(err.stderr ?? "").trim();
    throw new NixRunError(`nix-instantiate ${args.join(" ")} failed:\n${stderr || err.message}`, stderr);
  }
}

/** `nix-instantiate --parse`: parses (without evaluating); returns Nix's normalised rendering of the AST. */
export function nixParse(src: NixSource): string {
  const { args, cwd } = sourceArgs(src);
  return runNixInstantiate(["--parse", ...args], cwd).trim();
}

/** Parses many files with one `nix-instantiate --parse` call; the error names the first file that fails. */
export function nixParseFiles(files: readonly string[]): void {
  if (files.length > 0) runNixInstantiate(["--parse", ...files]);
}

/** `nix-instantiate --eval --strict`: the deep-evaluated value in Nix syntax. */
export function nixEval(src: NixSource): string {
  const { args, cwd } = sourceArgs(src);
  return runNixInstantiate(["--eval", "--strict", ...args], cwd).trim();
}

/**
 * `nix-instantiate --eval --strict --json`, parsed. Beware: Nix 2.8 prints
 * floats with ~6 significant digits in JSON, and paths would be copied to
 * the store; compare such values inside Nix instead ({@link nixEvalBool}).
 */
export function nixEvalJson(src: NixSource): unknown {
  const { args, cwd } = sourceArgs(src);
  return JSON.parse(runNixInstantiate(["--eval", "--strict", "--json", ...args], cwd)) as unknown;
}

/** Evaluates a Nix expression that must yield a boolean. */
export function nixEvalBool(src: NixSource): boolean {
  const v = nixEvalJson(src);
  if (typeof v !== "boolean") throw new Error(`expected a boolean from Nix, got ${JSON.stringify(v)}`);
  return v;
}

/** Runs `fn` with a fresh temporary directory (realpath'd) under os.tmpdir(), removed afterwards. */
export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "nix-printer-test-")));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Exact expected values, compared inside Nix
// ---------------------------------------------------------------------------

/**
 * An expected Nix value, encoded so that JSON carries it exactly:
 * integers and floats travel as decimal *strings* and are converted with
 * `builtins.fromJSON` inside Nix (int64 / correctly rounded doubles), paths
 * as their absolute string form.
 */
export type Expected =
  | readonly ["n"]
  | readonly ["b", boolean]
  | readonly ["i", string]
  | readonly ["f", string]
  | readonly ["s", string]
  | readonly ["p", string]
  | readonly ["l", readonly Expected[]]
  | readonly ["a", readonly (readonly [string, Expected])[]];

/** Builders for {@link Expected}. */
export const want = {
  null: (): Expected => ["n"],
  bool: (b: boolean): Expected => ["b", b],
  int: (n: bigint | number): Expected => ["i", BigInt(n).toString()],
  /** A float; the text always has a dot or exponent so Nix's fromJSON yields a float, and keeps -0's sign. */
  float: (x: number): Expected => {
    if (!Number.isFinite(x)) throw new Error(`expected float must be finite, got ${x}`);
    if (Object.is(x, -0)) return ["f", "-0.0"];
    const s = String(x);
    return ["f", /[.e]/.test(s) ? s : `${s}.0`];
  },
  str: (s: string): Expected => ["s", s],
  /** A path value, given as the absolute canonical path Nix's `toString` must produce. */
  path: (abs: string): Expected => ["p", abs],
  list: (items: readonly Expected[]): Expected => ["l", items],
  attrs: (entries: readonly (readonly [string, Expected])[]): Expected => ["a", entries],
};

/**
 * Nix code of `check expected actual`: strict, type-aware deep equality.
 * Unlike `==` it distinguishes int from float (`1 == 1.0` is true in Nix)
 * and the sign of float zero (via `toString`, which prints `-0.000000`).
 */
export const NIX_CHECK_FUNCTION = `
  e: v:
  let
    inherit (builtins) elemAt length all genList typeOf fromJSON attrNames getAttr sort lessThan map;
    check = e: v:
      let
        t = elemAt e 0;
        x = elemAt e 1;
        ty = typeOf v;
      in
      if t == "n" then ty == "null"
      else if t == "b" then ty == "bool" && v == x
      else if t == "s" then ty == "string" && v == x
      else if t == "p" then ty == "path" && toString v == x
      else if t == "i" then
        let n = fromJSON x; in
        if typeOf n != "int" then throw ("test harness bug: expected int is not an int: " + x)
        else ty == "int" && v == n
      else if t == "f" then
        let f = fromJSON x; in
        if typeOf f != "float" then throw ("test harness bug: expected float is not a float: " + x)
        else ty == "float" && v == f && (f != 0.0 || toString v == toString f)
      else if t == "l" then
        ty == "list" && length v == length x
        && all (i: check (elemAt x i) (elemAt v i)) (genList (i: i) (length x))
      else if t == "a" then
        ty == "set"
        && attrNames v == sort lessThan (map (kv: elemAt kv 0) x)
        && all (kv: check (elemAt kv 1) (getAttr (elemAt kv 0) v)) x
      else throw ("test harness bug: unknown tag " + t);
  in
  check e v
`;

/**
 * One batched case: the full text of a `.nix` file and the value it must
 * evaluate to — or a function from the directory holding the file to that
 * value (for relative paths, which resolve against the file's directory).
 */
export interface NixCase {
  readonly source: string;
  readonly expected: Expected | ((dir: string) => Expected);
}

/** Outcome of {@link nixCheckBatch}: indices whose value differs, and indices Nix failed on (with its message). */
export interface NixBatchResult {
  readonly mismatches: readonly number[];
  readonly errors: ReadonlyMap<number, string>;
}

/**
 * Checks many cases with few `nix-instantiate` calls: writes each source to
 * `v<i>.nix` in a temp dir and the expected values to `expected.json`, and
 * lets Nix import and compare every file, returning the differing indices.
 * If Nix fails as a whole (e.g. one file does not parse), the range is
 * bisected to pin down the failing files, so a single bad case costs only
 * ~2·log2(n) extra calls; bisection stops once `maxErrors` erroring cases
 * are found (later ranges are then left unchecked).
 */
export function nixCheckBatch(
  cases: readonly NixCase[],
  options: { readonly maxErrors?: number } = {},
): NixBatchResult {
  const maxErrors = options.maxErrors ?? Number.POSITIVE_INFINITY;
  return withTempDir((dir) => {
    cases.forEach((c, i) => writeFileSync(join(dir, `v${i}.nix`), c.source, "utf8"));
    writeFileSync(
      join(dir, "expected.json"),
      JSON.stringify(cases.map((c) => (typeof c.expected === "function" ? c.expected(dir) : c.expected))),
      "utf8",
    );
    writeFileSync(
      join(dir, "main.nix"),
      `{ from, to }:
let
  check = ${NIX_CHECK_FUNCTION};
  expected = builtins.fromJSON (builtins.readFile ./expected.json);
  ok = i: check (builtins.elemAt expected i) (import (./. + "/v\${toString i}.nix"));
in
builtins.filter (i: !(ok i)) (builtins.genList (i: from + i) (to - from))
`,
      "utf8",
    );
    const mismatches: number[] = [];
    const errors = new Map<number, string>();
    const run = (from: number, to: number): void => {
      if (from >= to || errors.size >= maxErrors) return;
      try {
        const out = runNixInstantiate([
          "--eval",
          "--strict",
          "--json",
          join(dir, "main.nix"),
          "--arg",
          "from",
          String(from),
          "--arg",
          "to",
          String(to),
        ]);
        mismatches.push(...(JSON.parse(out) as number[]));
      } catch (e) {
        if (!(e instanceof NixRunError)) throw e;
        if (to - from === 1) {
          errors.set(from, e.stderr);
          return;
        }
        const mid = from + Math.floor((to - from) / 2);
        run(from, mid);
        run(mid, to);
      }
    };
    run(0, cases.length);
    mismatches.sort((a, b) => a - b);
    return { mismatches, errors };
  });
}

/** Checks a single case; returns null when Nix evaluates it to the expected value, else a description. */
export function nixCheckOne(c: NixCase): string | null {
  const r = nixCheckBatch([c]);
  if (r.errors.size > 0) return `Nix error: ${[...r.errors.values()].join("\n")}`;
  if (r.mismatches.length > 0) return "value differs from the expected one";
  return null;
}
