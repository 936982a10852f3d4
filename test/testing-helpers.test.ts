import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { IngressedService } from "../lib/k8s/apps/index.js";
import { NixSubsetError, parseNixValue, synthLab, synthSpec } from "../lib/testing/index.js";
import { smallKubernetes, smallSpec } from "./fixtures/small-lab.js";

const out = synthSpec(smallSpec, smallKubernetes);

describe("cdk8s-homelab/testing", () => {
  it("synthesizes a spec and its Kubernetes side in memory and finds documents by kind, namespace and name", () => {
    const ingress = out.find("Ingress", { namespace: "grafana", name: "grafana" });
    expect(ingress.spec.rules[0].host).toBe("grafana.lab.example.org");
    expect(out.findAll("Deployment").map((d) => d.metadata.name)).toContain("grafana");
    expect(out.findAll("Ingress", { namespace: "nowhere" })).toEqual([]);
    expect(out.files.has("nix/vars.nix")).toBe(true);
  });

  it("find names what there is when nothing (or more than one) matches", () => {
    expect(() => out.find("Ingress", { name: "nope" })).toThrow(
      /expected one Ingress matching \{"name":"nope"\}, found 0; the Ingress documents are: grafana\/grafana/,
    );
    expect(() => out.find("Service", { namespace: "grafana" })).not.toThrow();
    const twoApps = synthSpec(smallSpec, (app) => {
      smallKubernetes(app);
      new IngressedService(app.apps, "loki", { image: "docker.io/grafana/loki:3.5.0", port: 3100 });
    });
    expect(() => twoApps.find("Service")).toThrow(
      /matching \{\}, found 2; the Service documents are: grafana\/grafana, loki\/loki/,
    );
    expect(() => out.file("nix/nope.nix")).toThrow(/synth writes no nix\/nope.nix; it writes .*nix\/vars.nix/);
  });

  it("a spec alone gives nix/ and no dist/", () => {
    const nixOnly = synthSpec(smallSpec);
    expect(nixOnly.documents).toEqual([]);
    expect(nixOnly.vars()["k3s"]).toMatchObject({ clusterInit: "c1", servers: ["c1"], agents: ["c2", "zippy"] });
  });

  it("synthLab takes what an entry exports (secretsDir is the CLI's business)", () => {
    const lab = synthLab({ spec: smallSpec, kubernetes: smallKubernetes, secretsDir: "elsewhere" });
    expect([...lab.files.keys()]).toEqual([...out.files.keys()]);
  });

  it("vars() reads vars.nix as data: nodes, addresses, reservations", () => {
    const vars = out.vars();
    expect(Object.keys(vars["nodes"])).toEqual(["c1", "c2", "zippy"]);
    expect(vars["nodes"].c1.address).toBe("10.0.20.11");
    expect(vars["ingressIp"]).toBe("10.0.20.240");
    expect(vars["domain"]).toBe("lab.example.org");
  });

  const nix = spawnSync("nix-instantiate", ["--version"], { encoding: "utf8" });
  it.skipIf(nix.status !== 0)("vars() agrees with the real evaluator (nix-instantiate --eval --strict --json)", () => {
    const r = spawnSync("nix-instantiate", ["--eval", "--strict", "--json", "-E", out.file("nix/vars.nix")], {
      encoding: "utf8",
      env: { ...process.env, NIX_REMOTE: "dummy://" },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(out.vars()).toEqual(JSON.parse(r.stdout));
  });
});

describe("parseNixValue", () => {
  it("reads the data subset: sets, quoted names, lists, escapes, numbers, booleans, null, comments", () => {
    const text =
      '# c\n{\n  a = 1;\n  "b-c" = [\n    true\n    null\n    (-2.5)\n  ];\n  s = "q\\"\\n\\${x}$";\n  e = { };\n}\n';
    expect(parseNixValue(text)).toEqual({ a: 1, "b-c": [true, null, -2.5], s: 'q"\n${x}$', e: {} });
  });

  it.each([
    ["let x = 1; in x", /"let" is outside the printer's data subset at line 1, column 1/],
    ['{ a = "${b}"; }', /string interpolation is outside the printer's data subset at line 1, column 8/],
    ["{ a = ./x.nix; }", /^a: a path expression \(not data\)/],
    ["{ a.b = 1; }", /expected "=" after attribute "a" at line 1, column 4/],
    ["{ a = 1; a = 2; }", /attribute "a" is defined twice at line 1, column 10/],
    ["[ 1 ] 2", /unexpected text after the expression at line 1, column 7/],
    ["{ a = 9223372036854775807; }", /^a: the integer 9223372036854775807 is beyond JavaScript's safe range/],
  ])("refuses %s, naming where", (text, message) => {
    expect(() => parseNixValue(text)).toThrow(NixSubsetError);
    expect(() => parseNixValue(text)).toThrow(message);
  });
});
