/**
 * Property tests: random JSON-like values (hostile strings and keys, 64-bit
 * integer edges, every kind of double) and random paths are printed, then
 * evaluated by the real Nix and compared *inside Nix* with the exact
 * expected value (see `NIX_CHECK_FUNCTION` in helpers/nix.ts).
 *
 * To stay fast, each property first generates all its runs with a fixed
 * seed, then checks them with a handful of `nix-instantiate` calls. On a
 * failure, the first failing run is replayed through fast-check (same seed,
 * `path`), this time checking each candidate individually, so fast-check can
 * shrink it to a minimal counterexample for the report.
 *
 * Override the seed with NIX_PROPERTY_SEED=<int> to explore other values.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NIX_INT_MAX, NIX_INT_MIN, NIX_KEYWORDS, nix, type NixExpr } from "../lib/nix/ast.js";
import { printNix, printNixFile } from "../lib/nix/printer.js";
import { describeNix, itNix, nixCheckBatch, nixCheckOne, want, type Expected, type NixCase } from "./helpers/nix.js";

/** Upper bound for shrinking a failure with per-value Nix calls (only spent when a property fails). */
const SHRINK_TIME_LIMIT_MS = 20_000;
/** Per-test timeout: generous, so a failure has time to shrink and report instead of timing out. */
const TIMEOUT_MS = 120_000;

const SEED = process.env.NIX_PROPERTY_SEED !== undefined ? Number(process.env.NIX_PROPERTY_SEED) : 0x5eed_2024;

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/** Fragments that have broken Nix generators before, or are special in Nix's lexer. */
const HOSTILE = [
  "${",
  "$",
  "$$",
  "$${",
  "$\\",
  "\\$",
  "}",
  "{",
  "''",
  "'''",
  "''$",
  "''\\",
  "'",
  "\\",
  "\\\\",
  '"',
  '\\"',
  "\n",
  "\r",
  "\r\n",
  "\t",
  " ",
  "#",
  "/*",
  "*/",
  ";",
  "=",
  ".",
  ":",
  "@",
  "~",
  "/",
  "./",
  "<nixpkgs>",
  "a",
  "Z",
  "_",
  "-",
  "0",
  "9",
  "x-y",
  "a'b",
  "1a",
  "é",
  "e\u0301",
  "\u0300",
  "😀",
  "👨‍👩‍👧",
  "🇺🇳",
  "\u{1D518}",
  "\u{10FFFF}",
  "\u2028",
  "\u00a0",
  "\u200b",
  "\uFEFF",
  "\x01",
  "\x1b",
  "\x7f",
  "\u0085",
  "中文",
  ...NIX_KEYWORDS,
  "true",
  "false",
  "null",
  "__curPos",
  "__overrides",
  "__sub",
  "__proto__",
  "constructor",
];

/** Strings from a hostile alphabet, arbitrary code points (minus NUL), and graphemes. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...HOSTILE), { maxLength: 6 }).map((a) => a.join("")) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }).map((s) => s.replaceAll("\0", "")) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 8 }).map((s) => s.replaceAll("\0", "")) },
);

const keyArb: fc.Arbitrary<string> = fc.oneof(
  hostileString,
  fc.constantFrom(...NIX_KEYWORDS, "", "a", "a-b'c", "_", "A1", "1a", "-", "'"),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_'-]{0,6}$/),
);

const intArb: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: NIX_INT_MIN, max: NIX_INT_MAX }),
  fc.constantFrom(
    NIX_INT_MIN,
    NIX_INT_MIN + 1n,
    NIX_INT_MAX,
    NIX_INT_MAX - 1n,
    0n,
    1n,
    -1n,
    2n ** 53n,
    2n ** 53n + 1n,
    -(2n ** 53n) - 1n,
    2n ** 31n,
    -(2n ** 32n),
  ),
  fc.integer().map(BigInt),
);

const MIN_NORMAL = 2 ** -1022;
const floatArb: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    0,
    -0,
    5e-324,
    -5e-324,
    MIN_NORMAL,
    -MIN_NORMAL,
    2.225073858507201e-308,
    -2.225073858507201e-308,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.EPSILON,
    0.1,
    0.2,
    0.3,
    1 / 3,
    1e21,
    1e-7,
    1e-6,
    1e20,
    123456789.123,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 63,
    2 ** 64,
    -2.5,
    1,
    100,
    4.35,
    0.5,
    1e300,
    1e-300,
  ),
  fc.double({ min: -1e-300, max: 1e-300, noNaN: true }), // dense around zero, incl. subnormals
  fc.integer().map((x) => x / 1024), // dyadic
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((x) => x / 100), // decimal-ish (inexact in binary)
);

/** A tagged model of a JSON-like Nix value; the tags keep int vs float explicit. */
type Model =
  | { readonly t: "null" }
  | { readonly t: "bool"; readonly v: boolean }
  | { readonly t: "int"; readonly v: bigint }
  | { readonly t: "float"; readonly v: number }
  | { readonly t: "str"; readonly v: string }
  | { readonly t: "list"; readonly v: readonly Model[] }
  | { readonly t: "attrs"; readonly v: readonly (readonly [string, Model])[] };

const leafArb: fc.Arbitrary<Model> = fc.oneof(
  fc.constant<Model>({ t: "null" }),
  fc.boolean().map((v): Model => ({ t: "bool", v })),
  intArb.map((v): Model => ({ t: "int", v })),
  floatArb.map((v): Model => ({ t: "float", v })),
  hostileString.map((v): Model => ({ t: "str", v })),
);

const { model: modelArb } = fc.letrec<{ model: Model }>((tie) => ({
  model: fc.oneof(
    { depthSize: "small", maxDepth: 4, withCrossShrink: true },
    leafArb,
    fc.array(tie("model"), { maxLength: 5 }).map((v): Model => ({ t: "list", v })),
    fc
      .uniqueArray(fc.tuple(keyArb, tie("model")), { selector: ([k]) => k, maxLength: 5 })
      .map((v): Model => ({ t: "attrs", v })),
  ),
}));

function toAst(m: Model): NixExpr {
  switch (m.t) {
    case "null":
      return nix.null();
    case "bool":
      return nix.bool(m.v);
    case "int":
      return nix.int(m.v);
    case "float":
      return nix.float(m.v);
    case "str":
      return nix.str(m.v);
    case "list":
      return nix.list(m.v.map(toAst));
    case "attrs":
      return nix.attrs(m.v.map(([k, v]) => [k, toAst(v)] as const));
  }
}

function toExpected(m: Model): Expected {
  switch (m.t) {
    case "null":
      return want.null();
    case "bool":
      return want.bool(m.v);
    case "int":
      return want.int(m.v);
    case "float":
      return want.float(m.v);
    case "str":
      return want.str(m.v);
    case "list":
      return want.list(m.v.map(toExpected));
    case "attrs":
      return want.attrs(m.v.map(([k, v]) => [k, toExpected(v)] as const));
  }
}

/** Plain JS data for nix.fromJson (numbers must not be unsafe integers). */
const { plain: plainArb } = fc.letrec<{ plain: unknown }>((tie) => ({
  plain: fc.oneof(
    { depthSize: "small", maxDepth: 4, withCrossShrink: true },
    fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.maxSafeInteger(),
      intArb,
      floatArb.filter((x) => !Number.isInteger(x) || Number.isSafeInteger(x)),
      hostileString,
    ),
    fc.array(tie("plain"), { maxLength: 5 }),
    fc.dictionary(keyArb, tie("plain"), { maxKeys: 5 }),
  ),
}));

/** The value nix.fromJson must produce for plain data: the specification of its number mapping. */
function plainExpected(v: unknown): Expected {
  if (v === null) return want.null();
  switch (typeof v) {
    case "boolean":
      return want.bool(v);
    case "bigint":
      return want.int(v);
    case "number":
      return Number.isInteger(v) ? want.int(BigInt(v)) : want.float(v);
    case "string":
      return want.str(v);
  }
  if (Array.isArray(v)) return want.list(v.map(plainExpected));
  const o = v as Record<string, unknown>;
  return want.attrs(Object.keys(o).map((k) => [k, plainExpected(o[k])] as const));
}

/**
 * Expressions whose value is known: `let`, lambdas applied to arguments,
 * selections (with and without `or`), `+` — nested in every position
 * (list elements, attribute values, arguments, operands, defaults) to
 * exercise precedence and parenthesisation.
 */
interface Gen {
  readonly e: NixExpr;
  readonly v: Model;
}
const varArb = fc.constantFrom("x", "y", "a-b", "c'", "_v", "or_", "in-", "import", "builtins", "map");
const smallInt = fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n });

const { gen: genArb } = fc.letrec<{ gen: Gen; int: Gen; str: Gen; float: Gen }>((tie) => {
  const any = tie("gen");
  return {
    int: fc.oneof(
      { depthSize: "small", maxDepth: 3 },
      smallInt.map((v): Gen => ({ e: nix.int(v), v: { t: "int", v } })),
      fc.tuple(tie("int"), tie("int")).map(
        ([a, b]): Gen => ({
          e: nix.add(a.e, b.e),
          v: { t: "int", v: (a.v as { v: bigint }).v + (b.v as { v: bigint }).v },
        }),
      ),
      fc.tuple(varArb, tie("int")).map(([x, a]): Gen => ({ e: nix.apply(nix.lambda(x, nix.ident(x)), a.e), v: a.v })),
      fc.tuple(varArb, tie("int")).map(([x, a]): Gen => ({ e: nix.let({ [x]: a.e }, nix.ident(x)), v: a.v })),
    ),
    str: fc.oneof(
      { depthSize: "small", maxDepth: 3 },
      hostileString.map((v): Gen => ({ e: nix.str(v), v: { t: "str", v } })),
      fc.tuple(tie("str"), tie("str")).map(
        ([a, b]): Gen => ({
          e: nix.add(a.e, b.e),
          v: { t: "str", v: (a.v as { v: string }).v + (b.v as { v: string }).v },
        }),
      ),
    ),
    // Float addition is not associative, so this catches a missing `a + (b + c)` parenthesis.
    float: fc.oneof(
      { depthSize: "small", maxDepth: 3 },
      floatArb.map((v): Gen => ({ e: nix.float(v), v: { t: "float", v } })),
      fc
        .tuple(tie("float"), tie("float"))
        .filter(([a, b]) => Number.isFinite((a.v as { v: number }).v + (b.v as { v: number }).v))
        .map(
          ([a, b]): Gen => ({
            e: nix.add(a.e, b.e),
            v: { t: "float", v: (a.v as { v: number }).v + (b.v as { v: number }).v },
          }),
        ),
    ),
    gen: fc.oneof(
      { depthSize: "small", maxDepth: 4, withCrossShrink: true },
      leafArb.map((m): Gen => ({ e: toAst(m), v: m })),
      tie("int"),
      tie("str"),
      tie("float"),
      fc
        .array(any, { maxLength: 4 })
        .map((gs): Gen => ({ e: nix.list(gs.map((g) => g.e)), v: { t: "list", v: gs.map((g) => g.v) } })),
      fc.uniqueArray(fc.tuple(keyArb, any), { selector: ([k]) => k, maxLength: 4 }).map(
        (kvs): Gen => ({
          e: nix.attrs(kvs.map(([k, g]) => [k, g.e] as const)),
          v: { t: "attrs", v: kvs.map(([k, g]) => [k, g.v] as const) },
        }),
      ),
      // let x = a; in [ x b ]
      fc.tuple(varArb, any, any).map(
        ([x, a, b]): Gen => ({
          e: nix.let({ [x]: a.e }, nix.list([nix.ident(x), b.e])),
          v: { t: "list", v: [a.v, b.v] },
        }),
      ),
      // (x: [ x b ]) a
      fc.tuple(varArb, any, any).map(
        ([x, a, b]): Gen => ({
          e: nix.apply(nix.lambda(x, nix.list([nix.ident(x), b.e])), a.e),
          v: { t: "list", v: [a.v, b.v] },
        }),
      ),
      // ({ x, ... }: x) { x = a; zz = b; }  and  (x: y: x) a b
      fc.tuple(varArb, any, any).map(
        ([x, a, b]): Gen => ({
          e: nix.apply(
            nix.lambda([x], nix.ident(x), { ellipsis: true }),
            nix.attrs([
              [x, a.e],
              ["zz", b.e],
            ]),
          ),
          v: a.v,
        }),
      ),
      fc.tuple(any, any).map(
        ([a, b]): Gen => ({
          e: nix.apply(nix.lambda("p", nix.lambda("q", nix.ident("p"))), a.e, b.e),
          v: a.v,
        }),
      ),
      // { k1 = { k2 = a; }; }.k1.k2, ({ k = a; }).k via a function, { }.k or a
      fc.tuple(keyArb, keyArb, any).map(
        ([k1, k2, a]): Gen => ({
          e: nix.select(nix.attrs([[k1, nix.attrs([[k2, a.e]])]]), [k1, k2]),
          v: a.v,
        }),
      ),
      fc.tuple(keyArb, varArb, any).map(
        ([k, x, a]): Gen => ({
          e: nix.select(nix.apply(nix.lambda(x, nix.ident(x)), nix.attrs([[k, a.e]])), k),
          v: a.v,
        }),
      ),
      fc.tuple(keyArb, any).map(([k, a]): Gen => ({ e: nix.select(nix.attrs([]), k, a.e), v: a.v })),
      fc.tuple(keyArb, keyArb, any, any).map(
        ([k1, k2, a, b]): Gen => ({
          // a.k2 exists only if k1 === k2
          e: nix.select(nix.attrs([[k1, a.e]]), k2, b.e),
          v: k1 === k2 ? a.v : b.v,
        }),
      ),
    ),
  };
});

/** A path as written by a user, and its expected absolute value given the file's directory. */
interface PathCase {
  readonly input: string;
}
const SEGMENT_CHARS = [
  ..."abcXYZ019._-+",
  " ",
  "$",
  "{",
  "}",
  "${",
  '"',
  "\\",
  "'",
  "~",
  "é",
  "😀",
  "\n",
  "\t",
  ":",
  "@",
  "#",
  ";",
  ",",
  "=",
  "*",
  "?",
  "[",
  "%",
];
const segmentArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(fc.constantFrom(...SEGMENT_CHARS), { minLength: 1, maxLength: 5 }).map((a) => a.join("")),
  },
  { weight: 1, arbitrary: fc.constantFrom(".", "..", "") },
);
const pathArb: fc.Arbitrary<PathCase> = fc
  .tuple(fc.constantFrom("./", "../", "/", ""), fc.array(segmentArb, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([prefix, segs, trailing]) => ({ input: prefix + segs.join("/") + (trailing ? "/" : "") }))
  .filter(({ input }) => input !== "");

/** Nix's canonPath: collapse "//", drop ".", resolve ".." lexically (never above "/"). */
function canon(p: string): string {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`;
}

function pathExpected(input: string): (dir: string) => Expected {
  return (dir) => want.path(canon(input.startsWith("/") ? input : `${dir}/${input}`));
}

// ---------------------------------------------------------------------------
// Batched property runner
// ---------------------------------------------------------------------------

/**
 * Generates `numRuns` values exactly as `fc.assert` would (fixed seed),
 * checks them all in Nix in a few batches, and on failure replays the first
 * failing run with per-value Nix checks so fast-check can shrink it.
 */
function assertInNix<T>(arb: fc.Arbitrary<T>, numRuns: number, toCase: (v: T) => NixCase): void {
  const values: T[] = [];
  fc.assert(
    fc.property(arb, (v) => {
      values.push(v);
    }),
    { seed: SEED, numRuns },
  );
  const cases = values.map(toCase);
  const { mismatches, errors } = nixCheckBatch(cases, { maxErrors: 5 });
  const failing = [...new Set([...mismatches, ...errors.keys()])].sort((a, b) => a - b);
  const atLeast = errors.size >= 5 ? "at least " : "";
  if (failing.length === 0) return;

  const first = failing[0]!;
  let shrunk = "";
  const replay = fc.check(
    fc.property(arb, (v) => nixCheckOne(toCase(v)) === null),
    { seed: SEED, path: String(first), plugins: [fc.interruptAfterTimeLimit(SHRINK_TIME_LIMIT_MS)] },
  );
  if (replay.failed && replay.counterexample) {
    const v = (replay.counterexample as unknown as readonly [T])[0];
    const c = toCase(v);
    shrunk = `\nShrunk counterexample: ${fc.stringify(v)}\nprinted:\n${c.source}` + `\nNix says: ${nixCheckOne(c)}`;
  }
  const show = failing.slice(0, 3).map((i) => {
    const c = cases[i]!;
    return `#${i}: ${fc.stringify(values[i])}\nprinted:\n${c.source}\n${errors.get(i) ?? "value differs from the expected one"}`;
  });
  throw new Error(
    `${atLeast}${failing.length} of ${numRuns} values did not round-trip through Nix (seed ${SEED}, first failing run ${first}).\n` +
      `${show.join("\n---\n")}${shrunk}`,
  );
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

describe("printer output shape (no Nix needed)", () => {
  it("is deterministic, has no trailing whitespace or tabs in indentation, and ends with one newline", () => {
    fc.assert(
      fc.property(modelArb, fc.array(hostileString, { maxLength: 2 }), (m, header) => {
        const file = nix.file(toAst(m), header);
        const text = printNixFile(file);
        expect(printNixFile(file)).toBe(text);
        expect(text.endsWith("\n") && !text.endsWith("\n\n")).toBe(true);
        for (const line of text.slice(0, -1).split("\n")) {
          expect(line).not.toMatch(/[ \t]$/);
          expect(line).toMatch(/^(?: {2})*(?! )/);
        }
        expect(text.endsWith(`${printNix(toAst(m))}\n`)).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describeNix("printed values round-trip exactly through Nix 2.8", () => {
  itNix(
    "JSON-like values built with the nix.* builders (2500 runs)",
    () => {
      assertInNix(fc.tuple(modelArb, fc.array(hostileString, { maxLength: 2 })), 2500, ([m, header]) => ({
        source: printNixFile(nix.file(toAst(m), header)),
        expected: toExpected(m),
      }));
    },
    TIMEOUT_MS,
  );

  itNix(
    "plain JS data converted with nix.fromJson (1000 runs)",
    () => {
      assertInNix(plainArb, 1000, (v) => ({
        source: printNixFile(nix.file(nix.fromJson(v))),
        expected: plainExpected(v),
      }));
    },
    TIMEOUT_MS,
  );

  itNix(
    "every finite double, including -0.0 and subnormals (1000 runs)",
    () => {
      assertInNix(fc.array(floatArb, { minLength: 1, maxLength: 20 }), 1000, (xs) => ({
        source: printNix(nix.list(xs.map((x) => nix.float(x)))),
        expected: want.list(xs.map((x) => want.float(x))),
      }));
    },
    TIMEOUT_MS,
  );

  itNix(
    "expressions: let, lambdas, application, select/or and + in every position (1000 runs)",
    () => {
      assertInNix(genArb, 1000, (g) => ({ source: printNixFile(nix.file(g.e)), expected: toExpected(g.v) }));
    },
    TIMEOUT_MS,
  );

  itNix(
    'paths: literal when possible, ./. + "…" otherwise (500 runs)',
    () => {
      assertInNix(pathArb, 500, ({ input }) => ({
        source: printNixFile(nix.file(nix.path(input))),
        expected: pathExpected(input),
      }));
    },
    TIMEOUT_MS,
  );
});
