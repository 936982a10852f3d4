/**
 * The catalogue of bad inputs, specs written in YAML or JSON: each case is the fixture lab's YAML (or
 * JSON) twin with one mistake a user could make, run through the real CLI (`synth` on a lab whose
 * `specFile` is apps/homelab.yaml). Each must exit 1 with the file's line and column, the offending
 * value's path where it has one, the message, no stack trace, and nothing written or deleted.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../lib/cli/main.js";
import { CatalogueProject } from "./helpers/catalogue.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";
import { repo } from "./helpers/project.js";

const yamlTwin = fs.readFileSync(path.join(repo, "test/fixtures/yaml-lab/homelab.yaml"), "utf8");
const jsonTwin = fs.readFileSync(path.join(repo, "test/fixtures/yaml-lab/homelab.json"), "utf8");

/** One bad spec file and what synth must say about it. */
interface BadFile {
  /** What the user did wrong. */
  readonly name: string;
  /** The spec file, relative to the lab. @default "apps/homelab.yaml" */
  readonly file?: string;
  /** Its text, made from the twin. @default no file at all */
  readonly text?: string;
  /** `file:line:column` as the message must give it (or the file alone when there is no position). */
  readonly where: string;
  /** The spec path of the offending value. @default none (a syntax problem) */
  readonly path?: string;
  /** What the message must also say. */
  readonly message: RegExp;
}

/** The twin's text with `from` (which must occur) replaced by `to`. */
function edit(text: string, from: string, to: string): string {
  expect(text, `the twin holds ${from}`).toContain(from);
  return text.replace(from, to);
}

const cases: readonly BadFile[] = [
  {
    name: "a flow list left open",
    text: edit(yamlTwin, "tags: [thinkcentre]", "tags: [thinkcentre"),
    where: "apps/homelab.yaml:23:",
    message: /Fix the YAML syntax there/,
  },
  {
    name: "a key written twice in a host",
    text: edit(yamlTwin, "    address: 192.168.1.12\n", "    address: 192.168.1.12\n    address: 192.168.1.14\n"),
    where: "apps/homelab.yaml:27:5",
    message: /has the key "address" twice.*Keep one of the keys/,
  },
  {
    name: "an anchor and an alias (a billion-laughs vector)",
    text: edit(
      edit(yamlTwin, "roles: [minimal-node, k3s-agent]", "roles: &agent [minimal-node, k3s-agent]"),
      "roles: [minimal-node, k3s-agent]",
      "roles: *agent",
    ),
    where: "apps/homelab.yaml:34:12",
    message: /sets the anchor &agent; specs do not take anchors[\s\S]*homelab\.yaml:44:12: uses the alias \*agent/,
  },
  {
    name: "an explicit tag",
    text: edit(yamlTwin, "espSize: 256M", "espSize: !!binary MjU2TQ=="),
    where: "apps/homelab.yaml:41:16",
    message: /has the tag !!binary; specs do not take tags/,
  },
  {
    name: "two documents in one file",
    text: `${yamlTwin}---\nname: other\n`,
    where: "apps/homelab.yaml:73:1",
    message: /holds 2 YAML documents; a spec is one document/,
  },
  {
    name: "a %YAML 1.1 directive (yes would be true, 0755 octal)",
    text: `%YAML 1.1\n---\n${yamlTwin}`,
    where: "apps/homelab.yaml:1:1",
    message: /declares %YAML 1\.1; specs are read as YAML 1\.2/,
  },
  {
    name: "an empty file",
    text: "# nothing yet\n",
    where: "apps/homelab.yaml:1:1",
    message: /is empty/,
  },
  {
    name: "tabs for indentation",
    text: edit(yamlTwin, "  subnet: 10.8.0.0/24", "\tsubnet: 10.8.0.0/24"),
    where: "apps/homelab.yaml:46:1",
    message: /Fix the YAML syntax there/,
  },
  {
    name: "an address that is no IPv4 address",
    text: edit(yamlTwin, "address: 192.168.1.13", "address: 192.168.1.313"),
    where: "apps/homelab.yaml:36:5",
    path: "hosts[2].address",
    message: /"192\.168\.1\.313" is not an IPv4 address/,
  },
  {
    name: "a misspelt field",
    text: edit(yamlTwin, "    mac: 00:1e:06:00:00:03", "    mca: 00:1e:06:00:00:03"),
    where: "apps/homelab.yaml:37:5",
    path: "hosts[2].mca",
    message: /is not a field of a host\. Did you mean "mac"\?/,
  },
  {
    name: "yes for true (YAML 1.2 reads it as text)",
    text: edit(yamlTwin, "clusterInit: true", "clusterInit: yes"),
    where: "apps/homelab.yaml:24:5",
    path: "hosts[0].clusterInit",
    message: /must be true or false, got "yes"/,
  },
  {
    name: "a port written as text",
    text: edit(yamlTwin, "  subnet: 10.8.0.0/24\n", '  subnet: 10.8.0.0/24\n  listenPort: "51820"\n'),
    where: "apps/homelab.yaml:47:3",
    path: "vpn.listenPort",
    message: /"51820" is not a port/,
  },
  {
    name: "a missing required field",
    text: edit(yamlTwin, "  gateway: 192.168.1.1\n", ""),
    where: "apps/homelab.yaml:6:1",
    path: "network.gateway",
    message: /is missing/,
  },
  {
    name: "JSON with a trailing comma",
    file: "apps/homelab.json",
    text: edit(jsonTwin, '"name": "homelab",', '"name": "homelab",,'),
    where: "apps/homelab.json:3:",
    message: /is not valid JSON/,
  },
  {
    name: "JSON with a key written twice",
    file: "apps/homelab.json",
    text: edit(jsonTwin, '"name": "homelab",', '"name": "homelab",\n  "name": "lab",'),
    where: "apps/homelab.json:4:3",
    message: /has the key "name" twice/,
  },
  {
    name: "JSON with a wrong value",
    file: "apps/homelab.json",
    text: edit(jsonTwin, '"lan": "192.168.1.0/24"', '"lan": "192.168.1.0/33"'),
    where: "apps/homelab.json:6:5",
    path: "network.lan",
    message: /192\.168\.1\.0\/33/,
  },
  {
    name: "a spec file that does not exist",
    where: "apps/homelab.yaml",
    message: /does not exist\. Create it/,
  },
  {
    name: "a spec file that is neither YAML nor JSON",
    file: "apps/homelab.toml",
    text: 'name = "homelab"\n',
    where: "apps/homelab.toml",
    message: /is not a spec file\. Name it homelab\.yaml/,
  },
];

describe("the catalogue of bad inputs: YAML and JSON spec files", () => {
  const project = new CatalogueProject();
  afterAll(() => project.remove());
  const before = project.snapshot();

  /** Runs `argv` on the project with the lab's spec in `file`; resolves to the exit code and stderr. */
  async function run(argv: string[], file: string): Promise<{ code: number; err: string; out: string }> {
    let err = "";
    let out = "";
    const code = await main(argv, {
      cwd: project.root,
      version: "0.0.0",
      lab: { root: project.root, entry: "apps/lab.ts", definition: { specFile: file, kubernetes: defineKubernetes } },
      out: (t) => void (out += t),
      err: (t) => void (err += t),
    });
    return { code, err, out };
  }

  for (const bad of cases) {
    it(`refuses ${bad.name}`, async () => {
      const file = bad.file ?? "apps/homelab.yaml";
      const abs = path.join(project.root, file);
      if (bad.text !== undefined) {
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.writeFileSync(abs, bad.text);
      }
      try {
        const { code, err } = await run(["synth"], file);
        expect(code, err).toBe(1);
        expect(err).toContain(bad.path === undefined ? bad.where : `${bad.where}: ${bad.path}: `);
        expect(err).toMatch(bad.message);
        expect(err).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
        expect(err).not.toContain("synth failed");
      } finally {
        fs.rmSync(abs, { force: true });
      }
      expect(project.snapshot()).toEqual(before);
    });
  }

  it("reports a syntax problem in check --json as an error line with its position", async () => {
    const abs = path.join(project.root, "apps/homelab.yaml");
    fs.writeFileSync(abs, edit(yamlTwin, "tags: [thinkcentre]", "tags: !!set [thinkcentre]"));
    try {
      const { code, out } = await run(["check", "--json"], "apps/homelab.yaml");
      expect(code).toBe(1);
      const report = JSON.parse(out) as { ok: boolean; errors: string[] };
      expect(report.ok).toBe(false);
      expect(report.errors).toContainEqual(
        expect.stringMatching(/^error: apps\/homelab\.yaml:22:11: has the tag !!set/),
      );
    } finally {
      fs.rmSync(abs, { force: true });
    }
  });
});
