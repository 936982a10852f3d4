/**
 * The diff's two fast readers against the writers they read:
 * - parseNix(printNix(ast)) equals ast for random data-subset ASTs (hostile strings and keys,
 *   64-bit integer edges, every kind of double, path literals and their fallbacks, modules);
 *   and the parsed vars.nix of a rendered lab equals the emitter's own value;
 * - readYamlSubset(emitYamlDocuments(docs)) equals docs, or refuses (YamlSubsetError) and
 *   the `yaml` package, the fallback, reads them right; rendered files all take the fast path.
 */
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { NixParseError, nixValue, parseNix } from "../lib/diff/nix-parse.js";
import { readYamlSubset, YamlSubsetError } from "../lib/diff/yaml-read.js";
import { emitYamlDocuments } from "../lib/yaml/index.js";
import { NIX_INT_MAX, NIX_INT_MIN, NIX_KEYWORDS, nix, type NixExpr } from "../lib/nix/ast.js";
import { printNix, printNixFile } from "../lib/nix/printer.js";
import { varsValue } from "../lib/nix/emit.js";
import { renderNixlab } from "./fixtures/diffgraph-labs.js";

const SEED = 0x0d1ff;

const HOSTILE = [
  "${",
  "$",
  "$$",
  "\\",
  '"',
  "\n",
  "\r",
  "\t",
  " ",
  "#",
  "/*",
  "*/",
  ";",
  "=",
  ".",
  "''",
  "é",
  "😀",
  "\u2028",
  "\x01",
  ...NIX_KEYWORDS,
];
const strArb = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE, "a", "-", "_"), { maxLength: 5 }).map((a) => a.join("")),
  fc.string({ unit: "binary", maxLength: 8 }).map((s) => s.replaceAll("\0", "")),
);
const intArb = fc.oneof(
  fc.bigInt({ min: NIX_INT_MIN, max: NIX_INT_MAX }),
  fc.constantFrom(NIX_INT_MIN, NIX_INT_MAX, 0n, -1n, 2n ** 53n + 1n),
);
const floatArb = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 5e-324, -5e-324, 2 ** -1022, Number.MAX_VALUE, 1e21, 1e-7, 0.1, -2.5, 100),
);
const pathArb = fc.oneof(
  fc.constantFrom("./roles/k3s.nix", "../../roles/minimal-node.nix", "/etc/hosts", "./.", "/"),
  fc
    .array(fc.constantFrom("a", "b.nix", "with space", "x+y", "-", "é", ".."), { minLength: 1, maxLength: 3 })
    .map((p) => `./${p.join("/")}`),
);

const leafArb: fc.Arbitrary<NixExpr> = fc.oneof(
  fc.constant(nix.null()),
  fc.boolean().map((b) => nix.bool(b)),
  intArb.map((n) => nix.int(n)),
  floatArb.map((x) => nix.float(x)),
  strArb.map((s) => nix.str(s)),
  pathArb.map((p) => nix.path(p)),
);

const { expr: exprArb } = fc.letrec<{ expr: NixExpr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    fc.array(tie("expr"), { maxLength: 4 }).map((items) => nix.list(items)),
    fc
      .uniqueArray(fc.tuple(strArb, tie("expr")), { maxLength: 4, selector: ([k]) => k })
      .map((entries) => nix.attrs(entries)),
  ),
}));

describe("parseNix reads what printNix writes", () => {
  it("round-trips random data-subset expressions exactly", () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        expect(parseNix(printNix(e))).toEqual(e);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it("round-trips whole files: header comments and a module with a set pattern", () => {
    fc.assert(
      fc.property(fc.array(strArb, { maxLength: 3 }), fc.array(pathArb, { maxLength: 4 }), (header, imports) => {
        const body = nix.lambda(
          { formals: ["config", "lib"], ellipsis: true },
          nix.attrs({ imports: nix.list(imports.map((p) => nix.path(p))) }),
        );
        expect(parseNix(printNixFile({ header, body }))).toEqual(body);
      }),
      { seed: SEED, numRuns: 100 },
    );
    expect(parseNix("{ }:\n{ }")).toEqual({
      kind: "lambda",
      param: { formals: [], ellipsis: false },
      body: { kind: "attrs", entries: [] },
    });
    expect(parseNix("rec { a = 1; }")).toEqual({
      kind: "attrs",
      entries: [["a", { kind: "int", value: 1n }]],
      rec: true,
    });
  });

  it("reads a rendered vars.nix to exactly the emitter's value, and host modules to their imports", () => {
    const { files, homelab } = renderNixlab();
    expect(nixValue(parseNix(files.get("nix/vars.nix")!))).toEqual(varsValue(homelab));
    expect(nixValue(parseNix(files.get("nix/hosts/master/roles.nix")!))).toEqual({
      imports: ["../../roles/minimal-node.nix", "../../roles/cluster-tools.nix", "../../roles/k3s-server.nix"],
    });
    expect(nixValue(nix.path("./with space.nix") as NixExpr)).toBe("./with space.nix");
  });

  it("refuses what the printer does not write, with the line and column", () => {
    const cases: [string, RegExp][] = [
      ["{\n  a = with x; 1;\n}", /^2:7: "with" is outside/],
      ['{ a = "${b}"; }', /^1:8: string interpolation/],
      ["{ a = 1; a = 2; }", /^1:10: attribute "a" is defined twice/],
      ["[ 1 2", /unterminated list|expected/],
      ["{ a = 1 }", /^1:9: expected ";"/],
      ['"x" + 1', /outside the printer's subset/],
      ["1 2", /unexpected text after the expression/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseNix(text), text).toThrow(NixParseError);
      expect(() => parseNix(text), text).toThrow(message);
    }
  });
});

/** JSON-like documents the emitter accepts. */
const yamlValueArb: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -0,
      1.5,
      1e21,
      5e-7,
      -3,
      "",
      "on",
      "yes",
      "1.2.3",
      "2001-12-14",
      "-x",
      "a: b",
      "a #b",
      "x\n",
      "x\n\n",
      "\nx",
      " x\ny",
    ),
    fc.string({ maxLength: 12 }),
    fc
      .array(fc.constantFrom("a", "b", " ", "\n", ":", "#", "-", "|", "'", '"', "0", ".", "\t", "é"), { maxLength: 8 })
      .map((a) => a.join("")),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("app.kubernetes.io/name", "80", "on", "a b")),
      tie("v"),
      { maxKeys: 4 },
    ),
  ),
})).v;

function yamlPackage(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((v) => v !== null && v !== undefined);
}

describe("readYamlSubset reads what the emitter writes", () => {
  it("reads random documents exactly, or refuses them and the yaml package reads them right", () => {
    let fast = 0;
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.string({ maxLength: 6 }), yamlValueArb, { minKeys: 1, maxKeys: 5 }), {
          minLength: 1,
          maxLength: 3,
        }),
        (docs) => {
          const text = emitYamlDocuments(docs);
          const expected = docs;
          try {
            expect(readYamlSubset(text)).toEqual(expected);
            fast++;
          } catch (e) {
            if (!(e instanceof YamlSubsetError)) throw e;
            expect(yamlPackage(text)).toEqual(expected);
          }
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
    // The fast path must be the usual one, not the exception.
    expect(fast).toBeGreaterThan(200);
  });

  it("takes the fast path for every rendered file and agrees with the yaml package", () => {
    const { files } = renderNixlab();
    let count = 0;
    for (const [path, text] of files) {
      if (!path.endsWith(".yaml")) continue;
      expect(readYamlSubset(text), path).toEqual(yamlPackage(text));
      count++;
    }
    expect(count).toBeGreaterThan(15);
  });

  it("refuses plain scalars another reader could take differently", () => {
    for (const text of [
      "a: yes\n",
      "a: 1.2.3\n",
      "a: 0x1F\n",
      "a: ~\n",
      "a: 2001-12-14\n",
      "a: .5\n",
      "? a\n: b\n",
      "a:\n    b: 1\n",
    ]) {
      expect(() => readYamlSubset(text), text).toThrow(YamlSubsetError);
    }
    expect(readYamlSubset("a: 12\nb: -0.0\nc: 1.0e+21\nd: ./x\ne: 100m\nf: |-\n  x\n  y\n")).toEqual([
      { a: 12, b: -0, c: 1e21, d: "./x", e: "100m", f: "x\ny" },
    ]);
  });
});
