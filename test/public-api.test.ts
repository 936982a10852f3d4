/**
 * The public API: what each entry point of package.json `exports` gives a user, and nothing more.
 * - The runtime names of each entry point (imported by the package's name, as a lab does) are listed
 *   here exactly, so the API cannot grow or shrink by accident: a change must edit this list.
 * - The entry points re-export named declarations, never `export *` of a folder.
 * - Every exported declaration has a doc comment, and every optional property of an exported interface
 *   says what happens when it is left out (`@default`). Read with the TypeScript compiler, resolving
 *   each export to its declaration.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { labTemplates } from "../lib/cli/init/templates.js";
import { repo } from "./helpers/project.js";

/** The runtime exports of each entry point, sorted. */
const RUNTIME: Readonly<Record<string, readonly string[]>> = {
  "./model": [
    "Cidr",
    "Homelab",
    "HomelabValidationError",
    "Ip",
    "IpRange",
    "Port",
    "VARS_PRESETS",
    "formatProblems",
    "loadSpecFile",
    "parseSpec",
    "rolePresets",
    "secretNameOfSopsKey",
    "NODE_EXPORTER_PORT",
    "monitoringTarget",
    "monitoringTargets",
  ],
  "./k8s": [
    "AlertReceiver",
    "AppCronJob",
    "AppNetworkPolicy",
    "BUILTIN_ALERT_RULES",
    "ChartSource",
    "ConstructValidationError",
    "DEFAULT_DATABASE_ENV",
    "DEFAULT_POSTGRES_IMAGE",
    "EnvValue",
    "HealthCheck",
    "HelmApp",
    "HomelabApp",
    "IngressedService",
    "Layer",
    "NetworkPeer",
    "MONITORING_NAMESPACE",
    "PostgresApp",
    "PostgresBackupTarget",
    "Retention",
    "WireGuardGateway",
    "Workload",
    "addInfrastructure",
    "declareExternal",
    "ensureNamespace",
    "isolateNamespace",
    "skipCheck",
  ],
  "./nix": ["NixPrintError", "nix", "printNix", "printNixFile"],
  "./synth": ["DefinitionError", "RenderError", "readSopsFiles", "render"],
  "./cli": ["main", "runEntry", "runLab"],
  "./check": [
    "CHECKS",
    "CheckError",
    "OPT_OUT_PREFIX",
    "SCHEMA_RULES",
    "describeObject",
    "formatFinding",
    "promqlSyntaxError",
    "runChecks",
    "schemaCheck",
    "skipCheck",
    "validateDocument",
  ],
  "./testing": [
    "K3S_COREDNS_POD",
    "NetworkPolicyEvaluator",
    "NixSubsetError",
    "parseNixValue",
    "synthLab",
    "synthSpec",
  ],
};
/** The root is the model and the Kubernetes side together, and `defineLab` for a lab's entry. */
const ROOT_ONLY = ["defineLab"];
const ROOT_ONLY_TYPES = ["Lab", "LabDefinition"];

const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, Record<string, string>>;
};
const subpaths = Object.keys(pkg.exports);
const specifier = (subpath: string) => (subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`);
const sourceOf = (subpath: string) => path.join(repo, pkg.exports[subpath]!["cdk8s-homelab-source"]!);

const sortedKeys = (m: object) => Object.keys(m).sort();
const union = (...lists: (readonly string[])[]) => [...new Set(lists.flat())].sort();

describe("package.json exports", () => {
  it("has exactly the root and the listed subpaths, each source-first, then types, then the build", () => {
    expect([...subpaths].sort()).toEqual([".", ...Object.keys(RUNTIME)].sort());
    for (const sub of subpaths) {
      const dir = sub === "." ? "" : `${sub.slice(2)}/`;
      expect(pkg.exports[sub], sub).toEqual({
        "cdk8s-homelab-source": `./lib/${dir}index.ts`,
        types: `./build/pkg/lib/${dir}index.d.ts`,
        default: `./build/pkg/lib/${dir}index.js`,
      });
      // The key order is the resolution order: the source condition must come first.
      expect(Object.keys(pkg.exports[sub]!), sub).toEqual(["cdk8s-homelab-source", "types", "default"]);
    }
  });
});

describe("the runtime exports of each entry point, imported by the package's name", () => {
  for (const [sub, names] of Object.entries(RUNTIME)) {
    it(`${specifier(sub)} exports exactly ${names.length} names`, async () => {
      const mod = (await import(/* @vite-ignore */ specifier(sub))) as object;
      expect(sortedKeys(mod)).toEqual([...names].sort());
    });
  }

  it(`${pkg.name} (the root) exports the model, the Kubernetes side and defineLab`, async () => {
    const root = (await import(/* @vite-ignore */ pkg.name)) as object;
    expect(sortedKeys(root)).toEqual(union(RUNTIME["./model"]!, RUNTIME["./k8s"]!, ROOT_ONLY));
  });
});

// The compiler's view of the entry points: their sources, with the repository's compiler options.
const config = ts.getParsedCommandLineOfConfigFile(
  path.join(repo, "tsconfig.json"),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  },
);
if (config === undefined) throw new Error("tsconfig.json could not be read");
const entryFiles = subpaths.map(sourceOf);
const program = ts.createProgram(entryFiles, config.options);
const checker = program.getTypeChecker();

function entrySource(sub: string): ts.SourceFile {
  const file = program.getSourceFile(sourceOf(sub));
  if (file === undefined) throw new Error(`${sourceOf(sub)} is not in the program`);
  return file;
}

/** Every export of an entry point, by name, resolved to the symbol it re-exports. */
function exportsOf(sub: string): Map<string, ts.Symbol> {
  const moduleSymbol = checker.getSymbolAtLocation(entrySource(sub));
  if (moduleSymbol === undefined) throw new Error(`${sub} is not a module`);
  const out = new Map<string, ts.Symbol>();
  for (const sym of checker.getExportsOfModule(moduleSymbol)) {
    out.set(sym.name, sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym);
  }
  return out;
}

const where = (decl: ts.Declaration) => {
  const file = decl.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(decl.getStart());
  return `${path.relative(repo, file.fileName)}:${line + 1}`;
};

/** The declarations of `sym` in this repository (not in node_modules). */
const ownDeclarations = (sym: ts.Symbol) =>
  (sym.declarations ?? []).filter((d) => !path.relative(repo, d.getSourceFile().fileName).startsWith("node_modules"));

/** Doc comments of a declaration: its own JSDoc, or its statement's (`export const X = ...`). */
function hasDoc(decl: ts.Declaration): boolean {
  const node = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
  return ts
    .getJSDocCommentsAndTags(node)
    .some((d) => ts.isJSDoc(d) && (d.comment !== undefined || d.tags !== undefined));
}

/**
 * Interfaces whose optional fields have no default to document: {@link Probes} is a result (a probe
 * left out is not set), and a chart's `*ValuesOverrides` mirrors the chart's values, where a field
 * left out keeps the library's value (said once, on the interface).
 */
const NO_DEFAULTS = /^(Probes|[A-Za-z]+ValuesOverrides)$/;

describe("the entry points' sources", () => {
  it("re-export named declarations only, never `export *`", () => {
    const star: string[] = [];
    for (const sub of subpaths) {
      for (const stmt of entrySource(sub).statements) {
        if (!ts.isExportDeclaration(stmt)) continue;
        // `export * from "..."` has no clause; `export * as ns from "..."` has a namespace clause.
        if (stmt.exportClause === undefined || ts.isNamespaceExport(stmt.exportClause)) {
          star.push(`${sub}: ${stmt.getText()}`);
        }
      }
    }
    expect(star).toEqual([]);
  });

  it("the compiler sees the runtime names listed above (and the root is model + k8s + defineLab, types too)", () => {
    for (const [sub, names] of Object.entries(RUNTIME)) {
      const values = [...exportsOf(sub)].filter(([, s]) => s.flags & ts.SymbolFlags.Value).map(([n]) => n);
      expect(values.sort(), sub).toEqual([...names].sort());
    }
    const root = [...exportsOf(".").keys()].sort();
    const model = [...exportsOf("./model").keys()];
    const k8s = [...exportsOf("./k8s").keys()];
    expect(root).toEqual(union(model, k8s, ROOT_ONLY, ROOT_ONLY_TYPES));
  });

  it("every export has a doc comment", () => {
    const undocumented: string[] = [];
    for (const sub of subpaths) {
      for (const [name, sym] of exportsOf(sub)) {
        const decls = ownDeclarations(sym);
        if (decls.length === 0) undocumented.push(`${sub} ${name}: no declaration in this repository`);
        else if (!decls.some(hasDoc)) undocumented.push(`${sub} ${name} (${where(decls[0]!)})`);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it("every optional property of an exported interface documents its default (@default)", () => {
    const missing: string[] = [];
    const seen = new Set<ts.Symbol>();
    for (const sub of subpaths) {
      for (const [name, sym] of exportsOf(sub)) {
        if (seen.has(sym) || NO_DEFAULTS.test(name)) continue;
        seen.add(sym);
        for (const decl of ownDeclarations(sym)) {
          if (!ts.isInterfaceDeclaration(decl)) continue;
          for (const member of decl.members) {
            if (!ts.isPropertySignature(member) || member.questionToken === undefined) continue;
            if (!ts.getJSDocTags(member).some((t) => t.tagName.text === "default")) {
              missing.push(`${name}.${member.name.getText()} (${where(member)})`);
            }
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("the lab that init writes imports only what the entry points export (values as values)", () => {
    const unknown: string[] = [];
    let imported = 0;
    for (const [file, text] of labTemplates({ name: "my-lab", packageSpec: "cdk8s-homelab@0.1.0" })) {
      if (!file.endsWith(".ts")) continue;
      for (const stmt of ts.createSourceFile(file, text, ts.ScriptTarget.ES2022).statements) {
        if (!ts.isImportDeclaration(stmt) || !ts.isStringLiteral(stmt.moduleSpecifier)) continue;
        const spec = stmt.moduleSpecifier.text;
        if (spec !== pkg.name && !spec.startsWith(`${pkg.name}/`)) continue;
        const sub = spec === pkg.name ? "." : `./${spec.slice(pkg.name.length + 1)}`;
        const exported = pkg.exports[sub] === undefined ? new Map<string, ts.Symbol>() : exportsOf(sub);
        const bindings = stmt.importClause?.namedBindings;
        for (const el of bindings !== undefined && ts.isNamedImports(bindings) ? bindings.elements : []) {
          imported++;
          const name = (el.propertyName ?? el.name).text;
          const sym = exported.get(name);
          const asType = el.isTypeOnly || stmt.importClause?.isTypeOnly === true;
          if (sym === undefined) unknown.push(`${file}: ${name} from "${spec}" is not exported`);
          else if (!asType && !(sym.flags & ts.SymbolFlags.Value)) {
            unknown.push(`${file}: ${name} from "${spec}" is only a type, imported as a value`);
          }
        }
      }
    }
    expect(imported).toBeGreaterThanOrEqual(6);
    expect(unknown).toEqual([]);
  });
});
