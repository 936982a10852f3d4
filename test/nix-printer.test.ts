/**
 * Unit tests for lib/nix: exact printed text for every printer rule, builder
 * validation, and — for every printed sample — proof from the real Nix
 * evaluator that the text parses and evaluates to the intended value.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NIX_INT_MAX, NIX_INT_MIN, NIX_KEYWORDS, NixPrintError, isNixExpr, nix, type NixExpr } from "../lib/nix/ast.js";
import { printNix, printNixFile, quoteString } from "../lib/nix/printer.js";
import {
  describeNix,
  itNix,
  nixCheckBatch,
  nixEvalBool,
  nixParse,
  nixParseFiles,
  want,
  withTempDir,
  type Expected,
} from "./helpers/nix.js";

/** Canonicalises an absolute path the way Nix's canonPath does (no symlink resolution). */
function canon(p: string): string {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`;
}

/** A printed sample: the expression, its exact text, and what Nix must evaluate it to. */
interface Sample {
  readonly name: string;
  readonly expr: NixExpr;
  readonly text: string;
  /** The value (a function of the file's directory for relative paths), or a Nix predicate `v: bool`. */
  readonly value: Expected | ((dir: string) => Expected) | { readonly predicate: string };
}

const I = (n: number | bigint) => nix.int(n);
const S = (s: string) => nix.str(s);
const lines = (...ls: string[]) => ls.join("\n");

const samples: Sample[] = [
  // --- strings -------------------------------------------------------------
  { name: "plain string", expr: S("hello"), text: '"hello"', value: want.str("hello") },
  { name: "empty string", expr: S(""), text: '""', value: want.str("") },
  { name: "backslash", expr: S("a\\b"), text: '"a\\\\b"', value: want.str("a\\b") },
  { name: "double quote", expr: S('say "hi"'), text: '"say \\"hi\\""', value: want.str('say "hi"') },
  { name: "interpolation is escaped", expr: S("${HOME}"), text: '"\\${HOME}"', value: want.str("${HOME}") },
  { name: "$${ is escaped at the brace", expr: S("$${x}"), text: '"$\\${x}"', value: want.str("$${x}") },
  { name: "$$${", expr: S("$$${x}"), text: '"$$\\${x}"', value: want.str("$$${x}") },
  { name: "lone dollar", expr: S("$"), text: '"$"', value: want.str("$") },
  { name: "trailing dollar", expr: S("cost: 5$"), text: '"cost: 5$"', value: want.str("cost: 5$") },
  { name: "double dollar", expr: S("$$"), text: '"$$"', value: want.str("$$") },
  { name: "dollar backslash", expr: S("$\\"), text: '"$\\\\"', value: want.str("$\\") },
  { name: "dollar quote", expr: S('$"'), text: '"$\\""', value: want.str('$"') },
  { name: "dollar brace at end", expr: S("a${"), text: '"a\\${"', value: want.str("a${") },
  {
    name: "indented-string quotes",
    expr: S("''x'' '''${y}"),
    text: "\"''x'' '''\\${y}\"",
    value: want.str("''x'' '''${y}"),
  },
  {
    name: "newline/CR/tab",
    expr: S("a\nb\rc\td\r\n"),
    text: '"a\\nb\\rc\\td\\r\\n"',
    value: want.str("a\nb\rc\td\r\n"),
  },
  {
    name: "unicode passes through",
    expr: S("héllo 😀 e\u0301 \u{1D518} 中文"),
    text: '"héllo 😀 e\u0301 \u{1D518} 中文"',
    value: want.str("héllo 😀 e\u0301 \u{1D518} 中文"),
  },
  {
    name: "other control characters raw",
    expr: S("\x01\x1b\x7f"),
    text: '"\x01\x1b\x7f"',
    value: want.str("\x01\x1b\x7f"),
  },
  {
    name: "comment-like text",
    expr: S("# not /* a */ comment"),
    text: '"# not /* a */ comment"',
    value: want.str("# not /* a */ comment"),
  },

  // --- attribute names -------------------------------------------------------
  ...[...NIX_KEYWORDS].map(
    (k): Sample => ({
      name: `keyword key ${k} is quoted`,
      expr: nix.attrs({ [k]: I(1) }),
      text: lines("{", `  "${k}" = 1;`, "}"),
      value: want.attrs([[k, want.int(1)]]),
    }),
  ),
  {
    name: "identifier-like keys are bare",
    expr: nix.attrs({ "a-b'c": I(1), _x: I(2), true: I(3), null: I(4), __curPos: I(5), A9: I(6) }),
    text: lines("{", "  a-b'c = 1;", "  _x = 2;", "  true = 3;", "  null = 4;", "  __curPos = 5;", "  A9 = 6;", "}"),
    value: want.attrs([
      ["a-b'c", want.int(1)],
      ["_x", want.int(2)],
      ["true", want.int(3)],
      ["null", want.int(4)],
      ["__curPos", want.int(5)],
      ["A9", want.int(6)],
    ]),
  },
  {
    name: "other keys are quoted",
    expr: nix.attrs([
      ["1a", I(1)],
      ["", I(2)],
      ["a.b", I(3)],
      ["${x}", I(4)],
      ["-a", I(5)],
      ["'a", I(6)],
      ["é", I(7)],
      ["a b", I(8)],
      ['q"\\', I(9)],
    ]),
    text: lines(
      "{",
      '  "1a" = 1;',
      '  "" = 2;',
      '  "a.b" = 3;',
      '  "\\${x}" = 4;',
      '  "-a" = 5;',
      '  "\'a" = 6;',
      '  "é" = 7;',
      '  "a b" = 8;',
      '  "q\\"\\\\" = 9;',
      "}",
    ),
    value: want.attrs([
      ["1a", want.int(1)],
      ["", want.int(2)],
      ["a.b", want.int(3)],
      ["${x}", want.int(4)],
      ["-a", want.int(5)],
      ["'a", want.int(6)],
      ["é", want.int(7)],
      ["a b", want.int(8)],
      ['q"\\', want.int(9)],
    ]),
  },

  // --- integers ----------------------------------------------------------------
  { name: "zero", expr: I(0), text: "0", value: want.int(0) },
  { name: "positive int", expr: I(42), text: "42", value: want.int(42) },
  { name: "negative int (top level)", expr: I(-5), text: "-5", value: want.int(-5) },
  { name: "max int", expr: I(NIX_INT_MAX), text: "9223372036854775807", value: want.int(NIX_INT_MAX) },
  {
    name: "max int + 1 - 2",
    expr: I(NIX_INT_MIN + 1n),
    text: "-9223372036854775807",
    value: want.int(NIX_INT_MIN + 1n),
  },
  { name: "min int", expr: I(NIX_INT_MIN), text: "-9223372036854775807 - 1", value: want.int(NIX_INT_MIN) },
  {
    name: "negative ints in a list are parenthesised",
    expr: nix.list([I(-1), I(2), I(NIX_INT_MIN), I(Number.MAX_SAFE_INTEGER)]),
    text: lines("[", "  (-1)", "  2", "  (-9223372036854775807 - 1)", "  9007199254740991", "]"),
    value: want.list([want.int(-1), want.int(2), want.int(NIX_INT_MIN), want.int(Number.MAX_SAFE_INTEGER)]),
  },

  // --- floats --------------------------------------------------------------------
  { name: "float 1.0", expr: nix.float(1), text: "1.0", value: want.float(1) },
  { name: "float 100.0", expr: nix.float(100), text: "100.0", value: want.float(100) },
  { name: "float 0.1", expr: nix.float(0.1), text: "0.1", value: want.float(0.1) },
  { name: "float 0.0", expr: nix.float(0), text: "0.0", value: want.float(0) },
  { name: "float 1e21 gets a dot", expr: nix.float(1e21), text: "1.0e+21", value: want.float(1e21) },
  { name: "float 1e-7", expr: nix.float(1e-7), text: "1.0e-7", value: want.float(1e-7) },
  { name: "float 1.5e-7", expr: nix.float(1.5e-7), text: "1.5e-7", value: want.float(1.5e-7) },
  { name: "float 123.456", expr: nix.float(123.456), text: "123.456", value: want.float(123.456) },
  { name: "float 2^53", expr: nix.float(2 ** 53), text: "9007199254740992.0", value: want.float(2 ** 53) },
  {
    name: "float max",
    expr: nix.float(Number.MAX_VALUE),
    text: "1.7976931348623157e+308",
    value: want.float(Number.MAX_VALUE),
  },
  {
    name: "float min normal",
    expr: nix.float(2 ** -1022),
    text: "2.2250738585072014e-308",
    value: want.float(2 ** -1022),
  },
  { name: "negative float (top level)", expr: nix.float(-2.5), text: "-2.5", value: want.float(-2.5) },
  { name: "negative zero", expr: nix.float(-0), text: "0.0 * -1", value: want.float(-0) },
  {
    name: "smallest subnormal is exact arithmetic",
    expr: nix.float(5e-324),
    text: "2.220446049250313e-16 * 2.2250738585072014e-308",
    value: want.float(5e-324),
  },
  {
    name: "largest negative subnormal",
    expr: nix.float(-2.225073858507201e-308),
    text: "-0.9999999999999998 * 2.2250738585072014e-308",
    value: want.float(-2.225073858507201e-308),
  },
  {
    name: "floats in a list",
    expr: nix.list([nix.float(-2.5), nix.float(0.5), nix.float(-0), nix.float(5e-324), nix.float(-1e21)]),
    text: lines(
      "[",
      "  (-2.5)",
      "  0.5",
      "  (0.0 * -1)",
      "  (2.220446049250313e-16 * 2.2250738585072014e-308)",
      "  (-1.0e+21)",
      "]",
    ),
    value: want.list([want.float(-2.5), want.float(0.5), want.float(-0), want.float(5e-324), want.float(-1e21)]),
  },

  // --- null / bool / containers ----------------------------------------------------
  { name: "null", expr: nix.null(), text: "null", value: want.null() },
  { name: "true", expr: nix.bool(true), text: "true", value: want.bool(true) },
  { name: "false", expr: nix.bool(false), text: "false", value: want.bool(false) },
  { name: "empty list", expr: nix.list([]), text: "[ ]", value: want.list([]) },
  { name: "empty attrs", expr: nix.attrs({}), text: "{ }", value: want.attrs([]) },
  {
    name: "nested containers",
    expr: nix.attrs({
      a: nix.attrs({}),
      b: nix.list([]),
      c: nix.list([nix.list([]), nix.attrs({}), nix.list([nix.null()])]),
      d: nix.attrs({ e: nix.attrs({ f: nix.bool(true) }) }),
    }),
    text: lines(
      "{",
      "  a = { };",
      "  b = [ ];",
      "  c = [",
      "    [ ]",
      "    { }",
      "    [",
      "      null",
      "    ]",
      "  ];",
      "  d = {",
      "    e = {",
      "      f = true;",
      "    };",
      "  };",
      "}",
    ),
    value: want.attrs([
      ["a", want.attrs([])],
      ["b", want.list([])],
      ["c", want.list([want.list([]), want.attrs([]), want.list([want.null()])])],
      ["d", want.attrs([["e", want.attrs([["f", want.bool(true)]])]])],
    ]),
  },
  {
    name: "rec attrs",
    expr: nix.attrs({ a: I(1), b: nix.ident("a") }, { rec: true }),
    text: lines("rec {", "  a = 1;", "  b = a;", "}"),
    value: want.attrs([
      ["a", want.int(1)],
      ["b", want.int(1)],
    ]),
  },
  { name: "empty rec attrs", expr: nix.attrs({}, { rec: true }), text: "rec { }", value: want.attrs([]) },

  // --- paths -------------------------------------------------------------------------
  {
    name: "relative path literal",
    expr: nix.path("./roles/k3s.nix"),
    text: "./roles/k3s.nix",
    value: (d) => want.path(`${d}/roles/k3s.nix`),
  },
  {
    name: "parent path literal",
    expr: nix.path("../../roles/x.nix"),
    text: "../../roles/x.nix",
    value: (d) => want.path(canon(`${d}/../../roles/x.nix`)),
  },
  {
    name: "bare relative path gets ./",
    expr: nix.path("roles/x-1_+.nix"),
    text: "./roles/x-1_+.nix",
    value: (d) => want.path(`${d}/roles/x-1_+.nix`),
  },
  { name: "current directory", expr: nix.path("."), text: "./.", value: (d) => want.path(d) },
  {
    name: "trailing slash dropped",
    expr: nix.path("./roles/"),
    text: "./roles",
    value: (d) => want.path(`${d}/roles`),
  },
  { name: "absolute path literal", expr: nix.path("/etc/hosts"), text: "/etc/hosts", value: want.path("/etc/hosts") },
  { name: "root", expr: nix.path("/"), text: "/.", value: want.path("/") },
  {
    name: "relative path with space",
    expr: nix.path("./with space.nix"),
    text: './. + "/with space.nix"',
    value: (d) => want.path(`${d}/with space.nix`),
  },
  {
    name: "parent path with space",
    expr: nix.path("../x y/z.nix"),
    text: './. + "/../x y/z.nix"',
    value: (d) => want.path(canon(`${d}/../x y/z.nix`)),
  },
  {
    name: "absolute path with space",
    expr: nix.path("/srv/my data"),
    text: '/. + "/srv/my data"',
    value: want.path("/srv/my data"),
  },
  {
    name: "path with ${ and unicode",
    expr: nix.path("./a${b}/é.nix"),
    text: './. + "/a\\${b}/é.nix"',
    value: (d) => want.path(`${d}/a\${b}/é.nix`),
  },
  {
    name: "path with double slash",
    expr: nix.path("./a//b"),
    text: './. + "/a//b"',
    value: (d) => want.path(`${d}/a/b`),
  },
  {
    name: "paths in a list",
    expr: nix.list([nix.path("./a.nix"), nix.path("./b c.nix")]),
    text: lines("[", "  ./a.nix", '  (./. + "/b c.nix")', "]"),
    value: (d) => want.list([want.path(`${d}/a.nix`), want.path(`${d}/b c.nix`)]),
  },

  // --- identifiers, select, apply, binary ------------------------------------------------
  {
    name: "select and select-or",
    expr: nix.let(
      { vars: nix.attrs({ nodes: nix.attrs({ x: nix.attrs({ "y z": I(1), or: I(2) }) }) }) },
      nix.list([
        nix.select(nix.select("vars", "nodes"), ["x", "y z"]),
        nix.select("vars", ["nodes", "x", "or"]),
        nix.select("vars", ["missing"], I(3)),
        nix.select(nix.apply(nix.select("builtins", "head"), nix.list([nix.ident("vars")])), "nodes", I(0)),
      ]),
    ),
    text: lines(
      "let",
      "  vars = {",
      "    nodes = {",
      "      x = {",
      '        "y z" = 1;',
      '        "or" = 2;',
      "      };",
      "    };",
      "  };",
      "in",
      "[",
      '  vars.nodes.x."y z"',
      '  vars.nodes.x."or"',
      "  (vars.missing or 3)",
      "  ((builtins.head [",
      "    vars",
      "  ]).nodes or 0)",
      "]",
    ),
    value: { predicate: 'v: v == [ 1 2 3 { x = { "y z" = 1; "or" = 2; }; } ]' },
  },
  {
    name: "application",
    expr: nix.apply(
      nix.select("builtins", "foldl'"),
      nix.select("builtins", "add"),
      I(-1),
      nix.list([I(2), nix.apply(nix.select("builtins", "length"), nix.list([nix.null()]))]),
    ),
    text: lines("builtins.foldl' builtins.add (-1) [", "  2", "  (builtins.length [", "    null", "  ])", "]"),
    value: want.int(2),
  },
  {
    name: "function position parenthesised when needed",
    expr: nix.apply(nix.lambda("x", nix.add(nix.ident("x"), I(1))), I(2)),
    text: "(x: x + 1) 2",
    value: want.int(3),
  },
  {
    name: "binary + is left associative",
    expr: nix.add(nix.add(S("a"), S("b")), nix.add(S("c"), S("d"))),
    text: '"a" + "b" + ("c" + "d")',
    value: want.str("abcd"),
  },
  {
    name: "binary + with negative and min-int operands",
    expr: nix.add(I(NIX_INT_MIN), nix.add(I(-1), I(2))),
    text: "-9223372036854775807 - 1 + (-1 + 2)",
    value: want.int(NIX_INT_MIN + 1n),
  },

  // --- lambdas and let --------------------------------------------------------------------
  {
    name: "module lambda with set pattern",
    expr: nix.lambda(
      { formals: ["config", "lib", "pkgs"], ellipsis: true },
      nix.attrs({
        imports: nix.list([nix.path("./roles/k3s.nix")]),
        enable: nix.apply(nix.select("lib", "mkDefault"), nix.bool(true)),
      }),
    ),
    text: lines(
      "{ config, lib, pkgs, ... }:",
      "{",
      "  imports = [",
      "    ./roles/k3s.nix",
      "  ];",
      "  enable = lib.mkDefault true;",
      "}",
    ),
    value: {
      predicate:
        "f: let r = f { config = { }; lib = { mkDefault = x: { d = x; }; }; pkgs = { }; extra = 1; }; in " +
        'builtins.length r.imports == 1 && builtins.typeOf (builtins.head r.imports) == "path" && r.enable == { d = true; }',
    },
  },
  {
    name: "set pattern from an array, no ellipsis",
    expr: nix.lambda(["a", "b"], nix.add(nix.ident("a"), nix.ident("b"))),
    text: lines("{ a, b }:", "a + b"),
    value: { predicate: "f: f { a = 1; b = 2; } == 3 && builtins.functionArgs f == { a = false; b = false; }" },
  },
  {
    name: "empty set pattern",
    expr: nix.lambda([], I(1)),
    text: lines("{ }:", "1"),
    value: { predicate: "f: f { } == 1" },
  },
  {
    name: "ellipsis only",
    expr: nix.lambda([], I(1), { ellipsis: true }),
    text: lines("{ ... }:", "1"),
    value: { predicate: "f: f { x = 1; } == 1" },
  },
  {
    name: "identifier lambda",
    expr: nix.lambda("x", nix.ident("x")),
    text: "x: x",
    value: { predicate: "f: f 7 == 7" },
  },
  {
    name: "lambdas inside containers",
    expr: nix.attrs({
      id: nix.lambda("x", nix.ident("x")),
      mod: nix.lambda({ formals: ["a"], ellipsis: true }, nix.ident("a")),
      fs: nix.list([nix.lambda("x", nix.ident("x")), nix.lambda(["a"], nix.ident("a"))]),
    }),
    text: lines(
      "{",
      "  id = x: x;",
      "  mod =",
      "    { a, ... }:",
      "    a;",
      "  fs = [",
      "    (x: x)",
      "    (",
      "      { a }:",
      "      a",
      "    )",
      "  ];",
      "}",
    ),
    value: {
      predicate:
        "v: v.id 1 == 1 && v.mod { a = 2; b = 0; } == 2 && (builtins.elemAt v.fs 0) 3 == 3 && (builtins.elemAt v.fs 1) { a = 4; } == 4",
    },
  },
  {
    name: "let / in",
    expr: nix.let(
      [
        ["a", I(1)],
        ["b c", I(2)],
        ["or", I(3)],
      ],
      nix.add(nix.ident("a"), I(41)),
    ),
    text: lines("let", "  a = 1;", '  "b c" = 2;', '  "or" = 3;', "in", "a + 41"),
    value: want.int(42),
  },
  {
    name: "let inside an attribute and a lambda",
    expr: nix.lambda(
      { formals: ["lib"], ellipsis: true },
      nix.let(
        { vars: nix.apply("import", nix.path("./vars.nix")) },
        nix.attrs({ x: nix.let({ y: I(1) }, nix.ident("y")) }),
      ),
    ),
    text: lines(
      "{ lib, ... }:",
      "let",
      "  vars = import ./vars.nix;",
      "in",
      "{",
      "  x =",
      "    let",
      "      y = 1;",
      "    in",
      "    y;",
      "}",
    ),
    value: { predicate: "f: (f { lib = null; }).x == 1" },
  },
  {
    name: "curried lambdas with a block body",
    expr: nix.attrs({
      f: nix.lambda("x", nix.lambda("y", nix.let({ z: nix.add(nix.ident("x"), nix.ident("y")) }, nix.ident("z")))),
      g: nix.lambda("x", nix.lambda(["a"], nix.add(nix.ident("x"), nix.ident("a")))),
    }),
    text: lines(
      "{",
      "  f =",
      "    x:",
      "    y:",
      "    let",
      "      z = x + y;",
      "    in",
      "    z;",
      "  g =",
      "    x:",
      "    { a }:",
      "    x + a;",
      "}",
    ),
    value: { predicate: "v: v.f 1 2 == 3 && v.g 3 { a = 4; } == 7" },
  },
  { name: "empty let", expr: nix.let({}, I(1)), text: lines("let", "in", "1"), value: want.int(1) },
];

describe("printNix: exact output", () => {
  for (const s of samples) {
    it(s.name, () => {
      expect(printNix(s.expr)).toBe(s.text);
    });
  }

  it("is deterministic and does not mutate the AST", () => {
    const e = nix.fromJson({ b: [1, 2.5, { c: null }], a: "x" });
    const snapshot = JSON.stringify(e, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
    expect(printNix(e)).toBe(printNix(e));
    expect(JSON.stringify(e, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))).toBe(snapshot);
    expect(Object.isFrozen(e)).toBe(true);
  });

  it("renders every node once (nested parenthesised blocks stay linear)", () => {
    let e: NixExpr = I(1);
    for (let i = 0; i < 60; i++) e = nix.list([nix.let({ [`v${i}`]: I(i) }, e)]);
    const t0 = performance.now();
    const text = printNix(e);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(text.split("\n").filter((l) => l.trim() === "let")).toHaveLength(60);
  });

  it("honours indentWidth and trailingNewline", () => {
    const e = nix.attrs({ a: nix.list([I(1)]) });
    expect(printNix(e, { indentWidth: 4, trailingNewline: true })).toBe("{\n    a = [\n        1\n    ];\n}\n");
    expect(() => printNix(e, { indentWidth: 0 })).toThrow(NixPrintError);
  });

  it("quoteString escapes exactly the dangerous sequences", () => {
    expect(quoteString('$ {} ${ $${ \\ " \n')).toBe('"$ {} \\${ $\\${ \\\\ \\" \\n"');
  });
});

describe("printNixFile", () => {
  it("prints header comments then the body and exactly one newline", () => {
    const text = printNixFile({
      header: ["Generated by cdk8s-homelab.", "", "Do not edit."],
      body: nix.attrs({ a: I(1) }),
    });
    expect(text).toBe("# Generated by cdk8s-homelab.\n#\n# Do not edit.\n{\n  a = 1;\n}\n");
  });

  it("splits header lines on any line break so text can never escape the comment", () => {
    const text = printNixFile(nix.file(I(1), ["a\nb", "c\r\nd", "e\rf"]));
    expect(text).toBe("# a\n# b\n# c\n# d\n# e\n# f\n1\n");
  });

  it("works without a header", () => {
    expect(printNixFile({ header: [], body: nix.list([]) })).toBe("[ ]\n");
  });
});

describe("builders validate their input", () => {
  const err = (f: () => unknown, msg: RegExp) => {
    expect(f).toThrow(NixPrintError);
    expect(f).toThrow(msg);
  };

  it("rejects NaN and Infinity", () => {
    err(() => nix.float(Number.NaN), /not finite/);
    err(() => nix.float(Number.POSITIVE_INFINITY), /not finite/);
    err(() => nix.float(Number.NEGATIVE_INFINITY), /not finite/);
    err(() => nix.fromJson({ x: Number.NaN }), /at \$\.x: .*not finite/);
  });

  it("rejects integers outside 64 bits and unsafe numbers", () => {
    err(() => nix.int(NIX_INT_MAX + 1n), /outside Nix's signed 64-bit range/);
    err(() => nix.int(NIX_INT_MIN - 1n), /outside Nix's signed 64-bit range/);
    err(() => nix.int(2 ** 53), /pass a bigint/);
    err(() => nix.int(1.5), /not an integer/);
    err(() => nix.fromJson([2 ** 63]), /at \$\[0\]: .*pass a bigint/);
    expect(printNix(nix.fromJson(9007199254740993n))).toBe("9007199254740993");
  });

  it("rejects NUL and lone surrogates in strings, keys and paths", () => {
    err(() => nix.str("a\0b"), /NUL/);
    err(() => nix.attrs({ "a\0": I(1) }), /NUL/);
    err(() => nix.path("./a\0b"), /NUL/);
    err(() => nix.str("\uD800"), /lone UTF-16 surrogate/);
    err(() => nix.str("a\uDC00"), /lone UTF-16 surrogate/);
    expect(printNix(nix.str("\uD83D\uDE00"))).toBe('"😀"');
  });

  it("rejects invalid identifiers, formals and duplicates", () => {
    err(() => nix.ident("in"), /keyword/);
    err(() => nix.ident("1x"), /must match/);
    err(() => nix.lambda(["a", "a"], I(1)), /duplicate formal/);
    err(() => nix.lambda(["or"], I(1)), /keyword/);
    err(() => nix.lambda("x", I(1), { ellipsis: true }), /set pattern/);
    err(
      () =>
        nix.attrs([
          ["a", I(1)],
          ["a", I(2)],
        ]),
      /duplicate attribute name "a"/,
    );
    err(
      () =>
        nix.let(
          [
            ["a", I(1)],
            ["a", I(2)],
          ],
          I(1),
        ),
      /duplicate let binding name/,
    );
    err(() => nix.apply("f"), /at least one argument/);
    err(() => nix.select("x", []), /at least one attribute/);
    err(() => nix.path(""), /empty/);
  });

  it("refuses to bind names that printed literals rely on (true/false/null/__sub/__mul)", () => {
    err(() => nix.let({ true: I(1) }, I(1)), /let binding name "true" would shadow a builtin/);
    err(() => nix.lambda("__sub", I(-1)), /lambda parameter "__sub" would shadow/);
    err(() => nix.lambda(["null"], I(1)), /formal parameter "null" would shadow/);
    err(() => nix.attrs({ __mul: I(1) }, { rec: true }), /rec attribute name "__mul" would shadow/);
    // Plain (non-rec) attribute sets do not bind anything, so the keys are fine there.
    expect(printNix(nix.attrs({ true: I(-1), __sub: I(-2) }))).toBe(lines("{", "  true = -1;", "  __sub = -2;", "}"));
    err(() => printNix({ kind: "let", bindings: [["false", nix.null()]], body: nix.null() }), /would shadow/);
  });

  it("the printer re-validates hand-built nodes", () => {
    const bad = (e: unknown, msg: RegExp) => err(() => printNix(e as NixExpr), msg);
    bad({ kind: "int", value: 2n ** 64n }, /64-bit/);
    bad({ kind: "int", value: 1 }, /must be a bigint/);
    bad({ kind: "float", value: Number.NaN }, /not finite/);
    bad({ kind: "string", value: "\0" }, /NUL/);
    bad({ kind: "ident", name: "let" }, /keyword/);
    bad({ kind: "path", value: "./with space" }, /not a valid Nix path literal/);
    bad({ kind: "path", value: "./a/" }, /not a valid Nix path literal/);
    bad(
      {
        kind: "attrs",
        entries: [
          ["a", { kind: "null" }],
          ["a", { kind: "null" }],
        ],
      },
      /duplicate/,
    );
    bad({ kind: "wat" }, /unknown Nix expression kind/);
    bad({ kind: "binary", op: "-", left: { kind: "null" }, right: { kind: "null" } }, /unsupported binary operator/);
  });
});

describe("nix.fromJson", () => {
  it("converts plain data in key insertion order", () => {
    const e = nix.fromJson({ z: 1, a: [true, null, -2, 0.5, "s"], big: -(2n ** 63n), o: {} });
    expect(printNix(e)).toBe(
      lines(
        "{",
        "  z = 1;",
        "  a = [",
        "    true",
        "    null",
        "    (-2)",
        "    0.5",
        '    "s"',
        "  ];",
        "  big = -9223372036854775807 - 1;",
        "  o = { };",
        "}",
      ),
    );
  });

  it("maps integral numbers to ints and -0 to int 0", () => {
    expect(printNix(nix.fromJson([1, -0, 1.5, 1e-7]))).toBe(lines("[", "  1", "  0", "  1.5", "  1.0e-7", "]"));
  });

  it("accepts null-prototype objects and embeds builder nodes as-is", () => {
    const o = Object.create(null) as Record<string, unknown>;
    o.imports = [nix.path("./a b.nix"), nix.path("./c.nix")];
    o.kind = "Deployment";
    expect(printNix(nix.fromJson(o))).toBe(
      lines("{", "  imports = [", '    (./. + "/a b.nix")', "    ./c.nix", "  ];", '  kind = "Deployment";', "}"),
    );
    expect(isNixExpr(nix.null())).toBe(true);
    expect(isNixExpr({ kind: "null" })).toBe(false);
  });

  it("keeps a __proto__ own property as an ordinary key", () => {
    const o = JSON.parse('{"__proto__": 1}') as unknown;
    expect(printNix(nix.fromJson(o))).toBe(lines("{", "  __proto__ = 1;", "}"));
  });

  it("rejects what Nix cannot represent, naming the location", () => {
    const err = (v: unknown, msg: RegExp) => {
      expect(() => nix.fromJson(v)).toThrow(NixPrintError);
      expect(() => nix.fromJson(v)).toThrow(msg);
    };
    err({ a: undefined }, /at \$\.a: undefined/);
    err([() => 1], /at \$\[0\]: function/);
    err({ s: Symbol("x") }, /at \$\.s: Symbol\(x\)/);
    err({ d: new Date(0) }, /at \$\.d: instance of Date is not a plain object/);
    err(new Map(), /instance of Map/);
    class Foo {}
    err({ "a b": [new Foo()] }, /at \$\["a b"\]\[0\]: instance of Foo/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    err(cyc, /cyclic/);
    // biome-ignore lint/suspicious/noSparseArray: the printer must refuse a sparse array
    err([1, , 2], /sparse/);
    err({ [Symbol("k")]: 1 }, /symbol keys/);
    err(undefined, /undefined/);
  });
});

// ---------------------------------------------------------------------------
// The real evaluator
// ---------------------------------------------------------------------------

describeNix("printed samples are accepted by Nix and mean what we intended", () => {
  const data = samples.filter((s) => !("predicate" in s.value));
  const fns = samples.filter((s) => "predicate" in s.value);

  itNix(`${data.length} data samples parse and evaluate to the exact expected value`, () => {
    // `nix-instantiate --parse` on all samples at once (an error names the file; its header names the sample)…
    withTempDir((dir) => {
      const files = data.map((s, i) => {
        const f = join(dir, `sample${i}.nix`);
        writeFileSync(f, printNixFile(nix.file(s.expr, [s.name])));
        return f;
      });
      nixParseFiles(files);
    });
    // …then `--eval --strict` of every sample, compared exactly inside Nix.
    const result = nixCheckBatch(
      data.map((s) => ({
        source: printNixFile(nix.file(s.expr, [s.name])),
        expected: s.value as Expected | ((dir: string) => Expected),
      })),
    );
    const failed = [...result.mismatches, ...result.errors.keys()].map(
      (i) => `${data[i]!.name}: ${result.errors.get(i) ?? "value differs"}`,
    );
    expect(failed).toEqual([]);
  });

  for (const s of fns) {
    itNix(`${s.name}: parses and satisfies its predicate`, () => {
      withTempDir((dir) => {
        const f = join(dir, "sample.nix");
        writeFileSync(f, printNixFile(nix.file(s.expr)));
        writeFileSync(join(dir, "vars.nix"), "{ }\n");
        expect(() => nixParse(f)).not.toThrow();
        const pred = (s.value as { predicate: string }).predicate;
        expect(nixEvalBool({ expr: `(${pred}) (import ${f})`, dir })).toBe(true);
      });
    });
  }

  itNix("the naive forms we avoid really are rejected or wrong in Nix 2.8", () => {
    withTempDir((dir) => {
      const parses = (src: string) => {
        writeFileSync(join(dir, "x.nix"), src);
        try {
          nixParse(join(dir, "x.nix"));
          return true;
        } catch {
          return false;
        }
      };
      expect(parses("[ -1 ]")).toBe(false);
      // `1e+21` lexes as `1` applied to the variable `e`, plus 21: rejected ("undefined variable 'e'").
      expect(parses("1e+21")).toBe(false);
      expect(() => nixEvalBool({ expr: "1e+21 == 1.0e+21", dir })).toThrow(/undefined variable 'e'/);
      expect(parses("9223372036854775808")).toBe(false);
      expect(parses("5.0e-324")).toBe(false);
      expect(parses("./a/")).toBe(false);
      expect(parses("./with space.nix")).toBe(false);
      expect(nixEvalBool({ expr: 'toString (-0.0) == "0.000000"', dir })).toBe(true); // -0.0 loses its sign
      expect(nixEvalBool({ expr: '"$${x}" == "$" + "$" + "{x}"', dir })).toBe(true);
      expect(nixEvalBool({ expr: '{ or = 1; } ? "or"', dir })).toBe(true); // bare `or` works as a key in 2.8, we still quote it
    });
  });
});
