/** The CLI in process: usage, exit codes, the command table, the lab's configuration, init's refusals. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readLab } from "../lib/cli/config.js";
import { wantsColor, type CliContext } from "../lib/cli/context.js";
import { LAB_COMMANDS, main } from "../lib/cli/main.js";
import { PLACEHOLDER_AGE_RECIPIENT, sopsConfigWarnings } from "../lib/cli/sops-config.js";
import { LAB_DEPENDENCIES, LAB_DEV_DEPENDENCIES } from "../lib/cli/init/versions.js";
import { labTemplates } from "../lib/cli/init/templates.js";
import { repo } from "./helpers/project.js";
import { smallKubernetes, smallSpec } from "./fixtures/small-lab.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-unit-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(argv: string[], extra: Partial<CliContext> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    cwd: tmp,
    version: "9.8.7",
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    ...extra,
  });
  return { code, stdout, stderr };
}

describe("usage and exit codes", () => {
  it("--help prints every command and exits 0; --version prints the version", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    for (const cmd of ["synth", "check", "diff", "graph", "init", "import-vars"])
      expect(help.stdout).toMatch(new RegExp(`^  ${cmd} `, "m"));
    expect(help.stdout).toMatch(/^ {2}init \[options\] <dir> /m);
    expect(help.stdout).toContain("Exit codes: 0 ok, 1 problems, drift or changes, 2 usage.");
    expect(await run(["--version"])).toMatchObject({ code: 0, stdout: "9.8.7\n" });
  });

  it.each([
    [["frobnicate"]],
    [["--frob"]],
    [["check", "--frob"]],
    [["init"]],
    [["init", "a", "b"]],
    [["synth", "extra"]],
    [[]],
  ])("%j prints usage on stderr and exits 2", async (argv) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: cdk8s-homelab/);
    expect(r.stdout).toBe("");
  });

  it("import-vars wants a file (usage, exit 2), and says so when it does not exist (exit 1)", async () => {
    const usage = await run(["import-vars"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage: cdk8s-homelab/);
    const missing = await run(["import-vars", "nowhere/vars.nix"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("nowhere/vars.nix does not exist; give the path of your vars.nix");
  });

  it("the launcher's list of lab commands is the command table's", () => {
    const launcher = fs.readFileSync(path.join(repo, "bin/cdk8s-homelab.mjs"), "utf8");
    const list = /const LAB_COMMANDS = (\[[^\]]*\]);/.exec(launcher)?.[1];
    expect(JSON.parse(list!)).toEqual(LAB_COMMANDS);
  });

  it("colours only on a terminal, and never with NO_COLOR set", () => {
    expect(wantsColor(true, {})).toBe(true);
    expect(wantsColor(true, { NO_COLOR: "1" })).toBe(false);
    expect(wantsColor(true, { NO_COLOR: "" })).toBe(true);
    expect(wantsColor(false, {})).toBe(false);
    expect(wantsColor(undefined, {})).toBe(false);
  });
});

describe("check on a lab", () => {
  const root = path.join(tmp, "lab");
  fs.mkdirSync(root);
  const lab = {
    root,
    entry: "apps/lab.ts",
    definition: { spec: smallSpec, kubernetes: smallKubernetes, source: "apps/homelab.ts" },
  };

  it("reports drift (nothing written yet) as JSON with exit 1, then 0 after synth", async () => {
    const before = await run(["check", "--json"], { lab });
    expect(before.code).toBe(1);
    const report = JSON.parse(before.stdout);
    expect(report.ok).toBe(false);
    expect(report.drift).toContainEqual({ path: "nix/vars.nix", state: "missing" });
    expect(fs.readdirSync(root)).toEqual([]);
    expect((await run(["synth"], { lab })).code).toBe(0);
    const after = await run(["check", "--json"], { lab });
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ ok: true, errors: [], drift: [], interrupted: false });
    expect((await run(["synth", "--check"], { lab })).stdout).toMatch(/^check: \d+ generated files are up to date\n$/);
  });

  it("prints validation problems with their path, in JSON too, and exits 1", async () => {
    const broken = {
      ...lab,
      definition: { ...lab.definition, spec: { ...smallSpec, network: { ...smallSpec.network, gateway: "10.9.9.9" } } },
    };
    const r = await run(["check", "--json"], { lab: broken });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.errors.join("\n")).toContain("apps/homelab.ts: network.gateway");
    const human = await run(["check"], { lab: broken });
    expect(human.code).toBe(1);
    expect(human.stderr).toContain("apps/homelab.ts: network.gateway");
  });
});

describe("the lab's configuration", () => {
  it("defaults the entry to apps/lab.ts and names the expected file when it is missing", () => {
    const root = path.join(tmp, "noentry");
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, "package.json"), "{}");
    expect(() => readLab(root)).toThrow(
      /the lab's entry apps\/lab.ts does not exist .*names no "cdk8s-homelab".entry, so the default is apps\/lab.ts/,
    );
    fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ "cdk8s-homelab": { entry: "src/my-lab.ts" } }));
    expect(() => readLab(root)).toThrow(
      /the lab's entry src\/my-lab.ts does not exist .*"cdk8s-homelab".entry is "src\/my-lab.ts"/,
    );
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src/my-lab.ts"), "");
    expect(readLab(root)).toEqual({ root, entry: "src/my-lab.ts", configured: true });
    fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ "cdk8s-homelab": "apps/lab.ts" }));
    expect(() => readLab(root)).toThrow(/"cdk8s-homelab" must be an object like \{ "entry": "apps\/lab.ts" \}/);
  });

  it("warns about the placeholder age recipient until it is replaced", () => {
    const root = path.join(tmp, "sops");
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, ".sops.yaml"), labTemplates({ name: "x", packageSpec: "^1" }).get(".sops.yaml")!);
    expect(sopsConfigWarnings(root)).toEqual([
      expect.stringContaining("creation_rules[0].age is still the placeholder recipient"),
    ]);
    const real = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    fs.writeFileSync(
      path.join(root, ".sops.yaml"),
      fs.readFileSync(path.join(root, ".sops.yaml"), "utf8").replace(PLACEHOLDER_AGE_RECIPIENT, real),
    );
    expect(sopsConfigWarnings(root)).toEqual([]);
  });
});

describe("init", () => {
  it("refuses a folder that is not empty and writes nothing into it", async () => {
    const dir = path.join(tmp, "busy");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "notes.txt"), "mine\n");
    const r = await run(["init", "busy", "--no-install"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("busy is not empty (notes.txt); nothing was written");
    expect(fs.readdirSync(dir)).toEqual(["notes.txt"]);
  });

  it("writes the lab's files (no install) and git-inits it", async () => {
    const r = await run(["init", "fresh", "--no-install"]);
    expect(r.code, r.stderr).toBe(0);
    const dir = path.join(tmp, "fresh");
    for (const f of labTemplates({ name: "fresh", packageSpec: "^9.8.7" }).keys())
      expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    expect(pkg.dependencies["cdk8s-homelab"]).toBe("^9.8.7");
    expect(pkg["cdk8s-homelab"]).toEqual({ entry: "apps/lab.ts" });
    expect(fs.existsSync(path.join(dir, ".git"))).toBe(true);
  });

  it("templates import only the package's public entry points", () => {
    const exported = Object.keys(JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).exports).map(
      (e: string) => (e === "." ? "cdk8s-homelab" : `cdk8s-homelab/${e.slice(2)}`),
    );
    for (const [file, text] of labTemplates({ name: "x", packageSpec: "^1" })) {
      for (const [, spec] of text.matchAll(/from "([^"]+)"/g)) {
        if (spec!.startsWith(".") || spec === "vitest") continue;
        expect(exported, `${file} imports ${spec}`).toContain(spec);
      }
    }
  });

  it("pins the versions the library itself is tested with", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
    for (const [name, version] of Object.entries(LAB_DEPENDENCIES)) expect(pkg.dependencies[name], name).toBe(version);
    for (const [name, version] of Object.entries(LAB_DEV_DEPENDENCIES))
      expect(pkg.devDependencies[name], name).toBe(version);
  });
});
