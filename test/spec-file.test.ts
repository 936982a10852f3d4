/**
 * Specs from YAML or JSON: the fixture lab's YAML and JSON twins (test/fixtures/yaml-lab/) give the same
 * spec and byte-identical dist/ and nix/ as its TypeScript spec (test/fixtures/lab/homelab.ts); problems
 * carry the file's line and column; the lab's `specFile` is read by the CLI and by synthLab; the committed
 * JSON Schema is what the types give, and the twins pass it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Ajv } from "ajv";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../lib/cli/main.js";
import { Homelab, HomelabValidationError, loadSpecFile, parseSpec } from "../lib/model/index.js";
import { render } from "../lib/synth/render.js";
import { synthLab } from "../lib/testing/index.js";
import { homelab } from "./fixtures/lab/homelab.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";
import { smallSpec } from "./fixtures/small-lab.js";
import { repo } from "./helpers/project.js";
import { homelabSchemaText } from "../scripts/schema-generate.js";

const fixtures = path.join(repo, "test/fixtures/yaml-lab");
const yamlFile = path.join(fixtures, "homelab.yaml");
const jsonFile = path.join(fixtures, "homelab.json");

/** The problems `text` is refused with, one formatted line each. */
function refused(text: string, fileName = "homelab.yaml"): string[] {
  try {
    Homelab.create(parseSpec(text, fileName));
  } catch (e) {
    if (e instanceof HomelabValidationError) return e.message.split("\n").slice(1);
    throw e;
  }
  throw new Error("the spec was accepted");
}

describe("the YAML and JSON twins of the fixture lab", () => {
  it("parse to exactly the TypeScript spec ($schema dropped)", () => {
    expect(loadSpecFile(yamlFile)).toStrictEqual(homelab);
    expect(loadSpecFile(jsonFile)).toStrictEqual(homelab);
  });

  it("give byte-identical dist/ and nix/", () => {
    const ts = render({ spec: homelab, source: "apps/homelab.ts", kubernetes: defineKubernetes });
    for (const file of [yamlFile, jsonFile]) {
      const twin = render({ spec: loadSpecFile(file), source: "apps/homelab.ts", kubernetes: defineKubernetes });
      expect([...twin.files.keys()]).toEqual([...ts.files.keys()]);
      for (const [p, text] of ts.files) expect(twin.files.get(p), p).toBe(text);
    }
    expect(ts.files.size).toBeGreaterThan(20);
  });
});

describe("problems of a spec file carry its line and column", () => {
  const yaml = [
    "name: lab", // 1
    "network:", // 2
    "  domain: lab.example.org", // 3
    "  lan: 10.0.20.0/24", // 4
    "  gateway: 10.0.20.1", // 5
    "  metallbPool: 10.0.20.240-10.0.20.250", // 6
    "hosts:", // 7
    "  - hostname: c1", // 8
    "    address: 10.0.20.300", // 9
    "    roles: [minimal-node, k3s-server]", // 10
    "  - { hostname: c2, adress: 10.0.20.12, roles: [minimal-node, k3s-agent] }", // 11
    "",
  ].join("\n");

  it("names the value's key (or list item, or the nearest written parent) in file order", () => {
    expect(refused(yaml)).toEqual([
      expect.stringMatching(/^error: homelab\.yaml:9:5: hosts\[0\]\.address: "10\.0\.20\.300" is not an IPv4/),
      expect.stringMatching(/^error: homelab\.yaml:11:5: hosts\[1\]\.address: is missing/),
      expect.stringMatching(/^error: homelab\.yaml:11:21: hosts\[1\]\.adress: is not a field .*"address"/),
    ]);
  });

  it("in JSON too", () => {
    const json = JSON.stringify({ ...smallSpec, network: { ...smallSpec.network, gateway: "10.0.99.1" } }, null, 2);
    const line = json.split("\n").findIndex((l) => l.includes('"gateway"')) + 1;
    expect(refused(json, "homelab.json")).toEqual([
      expect.stringMatching(new RegExp(`^error: homelab\\.json:${line}:5: network\\.gateway: .*10\\.0\\.99\\.1`)),
    ]);
  });

  it("names the file in Homelab.create's error when no source is given", () => {
    expect(() => Homelab.create(parseSpec("name: lab\n", "lab/homelab.yaml"))).toThrow(
      /error: lab\/homelab\.yaml:1:1: network: is missing/,
    );
  });

  it("leaves a TypeScript spec's problems without a position", () => {
    const { problems } = Homelab.validate({ name: "lab" });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.position === undefined)).toBe(true);
  });

  it("reads YAML 1.2: yes is text, not true", () => {
    const spec = parseSpec("name: lab\nk3s: { longhorn: yes }\n", "homelab.yaml") as { k3s: { longhorn: unknown } };
    expect(spec.k3s.longhorn).toBe("yes");
  });
});

describe("a lab whose specFile is a YAML file", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-specfile-"));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, "apps"));
  fs.writeFileSync(path.join(root, "package.json"), "{}\n");
  fs.copyFileSync(yamlFile, path.join(root, "apps/homelab.yaml"));
  const lab = { specFile: "apps/homelab.yaml", kubernetes: defineKubernetes };

  it("synthesizes through the CLI, naming the file in the generated headers", async () => {
    let err = "";
    const code = await main(["synth"], {
      cwd: root,
      version: "0.0.0",
      lab: { root, entry: "apps/lab.ts", definition: lab },
      out: () => {},
      err: (t) => void (err += t),
    });
    expect(code, err).toBe(0);
    const vars = fs.readFileSync(path.join(root, "nix/vars.nix"), "utf8");
    expect(vars.split("\n")[0]).toContain("apps/homelab.yaml");
    expect(vars).toContain('"192.168.1.202"');
  });

  it("synthesizes with synthLab, relative to the given root", () => {
    const out = synthLab(lab, { root });
    expect(out.vars().nodes.node3.address).toBe("192.168.1.13");
    expect(out.homelab.loadBalancerIp("ingress").toString()).toBe("192.168.1.202");
  });

  it("is refused with both spec and specFile", async () => {
    let err = "";
    const code = await main(["synth"], {
      cwd: root,
      version: "0.0.0",
      lab: { root, entry: "apps/lab.ts", definition: { ...lab, spec: homelab } },
      out: () => {},
      err: (t) => void (err += t),
    });
    expect(code).toBe(1);
    expect(err).toMatch(/gives both spec and specFile \("apps\/homelab\.yaml"\); give one/);
  });
});

describe("the JSON Schema (schema/homelab.schema.json)", () => {
  const committed = fs.readFileSync(path.join(repo, "schema/homelab.schema.json"), "utf8");
  const schema = JSON.parse(committed) as object;
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

  it("is what `npm run schema` generates from the types", () => {
    expect(homelabSchemaText(repo), "run `npm run schema` and commit schema/homelab.schema.json").toBe(committed);
  });

  it("passes the fixture specs and both twins (with their $schema key)", () => {
    for (const spec of [homelab, smallSpec, JSON.parse(fs.readFileSync(jsonFile, "utf8"))]) {
      expect(validate(spec), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it("refuses what validation refuses: an unknown field, a wrong type, a missing field", () => {
    expect(validate({ ...homelab, hots: [] })).toBe(false);
    expect(validate({ ...homelab, vpn: { subnet: "10.8.0.0/24", listenPort: "51820" } })).toBe(false);
    const { network: _network, ...noNetwork } = homelab;
    expect(validate(noNetwork)).toBe(false);
  });

  it("describes fields with their doc comments and JSON defaults", () => {
    const defs = (schema as { definitions: Record<string, any> }).definitions;
    expect(defs["VpnSpec"].properties.listenPort).toMatchObject({ default: 51820 });
    expect(defs["VpnSpec"].properties.listenPort.description).toMatch(/^UDP port the gateway listens on/);
    expect(defs["HomelabSpec"].properties.vpn.default).toBeUndefined();
    expect(defs["HomelabSpec"].properties.vpn.description).toMatch(/Default: undefined - no VPN/);
  });
});

describe("the README's section on YAML and JSON specs", () => {
  const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### Specs in YAML or JSON"), readme.indexOf("## What synth writes"));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;

  it("has an example spec that validates", () => {
    const homelab = Homelab.create(parseSpec(example, "apps/homelab.yaml"));
    expect(homelab.hosts.map((h) => h.hostname)).toEqual(["node1", "node2"]);
  });

  it("shows the errors that the example with its two mistakes gives", () => {
    const wrong = example
      .replace("address: 192.168.1.11", "address: 192.168.1.300")
      .replace("node2, address:", "node2, adress:");
    const shown = /\$ npx cdk8s-homelab synth\n([\s\S]*?)```/.exec(section)![1]!.trim().split("\n");
    expect([
      `the homelab definition has ${shown.length - 1} errors; nothing was written:`,
      ...refused(wrong, "apps/homelab.yaml"),
    ]).toEqual(shown);
  });
});
