/**
 * Your vars.nix shape (issue 10, part 2): the `nixlab` preset evaluated by the real Nix against the reads
 * nixlab's modules do (seeds/004: flake.nix, node.nix, the k3s module, charts.nix), compared inside Nix;
 * facts; a mapping function; the default preset unchanged.
 */
import { describe, expect, it } from "vitest";
import { Homelab } from "../lib/model/index.js";
import { emitNix, labVars, varsValue } from "../lib/nix/emit.js";
import { render } from "../lib/synth/render.js";
import { runCli } from "../lib/synth/cli.js";
import { NIXLAB_SSH_KEY, nixlabKubernetes, nixlabSpec } from "./fixtures/nixlab-lab.js";
import { homelab as fixtureLab } from "./fixtures/lab/homelab.js";
import { itNix, nixEvalBool, withTempDir } from "./helpers/nix.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** What nixlab's modules do with `vars` (seeds/004), as one Nix expression that is true when every read works. */
const NIXLAB_READS = `
let
  vars = import ./vars.nix;
  lib = {
    all = f: l: builtins.all f l;
    filterAttrs = f: s: builtins.listToAttrs (builtins.filter (n: f n.name n.value)
      (map (name: { inherit name; value = s.\${name}; }) (builtins.attrNames s)));
  };
  nodes = builtins.attrValues vars.nodes;
  # flake.nix: one nixosConfiguration per node, named node.hostname, Colmena tags node.tags
  configurations = map (node: { name = node.hostname; tags = node.tags; }) nodes;
  # node.nix: vars.nodes.\${hostname} gives diskConfig.device, diskConfig.espSize and master
  nodeOf = hostname: vars.nodes.\${hostname};
  diskConfig = hostname: { device = (nodeOf hostname).disk; espSize = (nodeOf hostname).espSize; };
  # the k3s module: agents join the master by its hostname
  masterHostname = (builtins.head (builtins.filter (n: n.master) nodes)).hostname;
  serverAddr = "https://\${masterHostname}:6443";
  # sops: one secret per enabled WireGuard user's publicKeySecret; charts: the user's tunnel address
  enabledUsers = lib.filterAttrs (n: u: u.enabled) vars.wireguardUsers;
  wgSecrets = map (u: u.publicKeySecret) (builtins.attrValues enabledUsers);
  wgIps = map (u: u.ip) (builtins.attrValues enabledUsers);
in
assert builtins.isString vars.domain && vars.domain == "nixlab.example.org";
assert vars.metallbPool == "192.168.1.192/26";
assert vars.piholeIp == "192.168.1.250";
assert vars.wireguardIp == "192.168.1.194";
assert vars.nginxIp == "192.168.1.193";
assert vars.upstreamDns == "1.1.1.1";
assert builtins.map (c: c.name) configurations == [ "master" "worker1" "worker2" ];
assert lib.all (c: builtins.isList c.tags && lib.all builtins.isString c.tags) configurations;
assert diskConfig "master" == { device = "/dev/sda"; espSize = "500M"; };
assert (diskConfig "worker2").device == "/dev/nvme0n1";
assert (nodeOf "master").master == true && (nodeOf "worker1").master == false;
assert serverAddr == "https://master:6443";
assert builtins.attrNames vars.wireguardUsers == [ "alice" "bob" ];
assert wgSecrets == [ "alice_wg_public_key" ];
assert wgIps == [ "10.0.100.2" ];
assert vars.wireguardUsers.bob == { enabled = false; ip = "10.0.100.3"; publicKeySecret = "bob_wg_public_key"; };
assert vars.username == "admin" && vars.timezone == "Europe/Berlin";
assert vars.sshKeys == [ "${NIXLAB_SSH_KEY}" ];
true
`;

describe("vars.nix shape", () => {
  itNix("nixlab preset: every read nixlab's modules do works on the emitted vars.nix, in the real Nix", () => {
    const files = emitNix(Homelab.create(nixlabSpec));
    withTempDir((dir) => {
      writeFileSync(join(dir, "vars.nix"), files.get("nix/vars.nix")!);
      writeFileSync(join(dir, "reads.nix"), NIXLAB_READS);
      expect(nixEvalBool({ file: join(dir, "reads.nix") })).toBe(true);
    });
  });

  it("nixlab preset: no null anywhere, absent facts left out", () => {
    const spec = structuredClone(nixlabSpec) as any;
    delete spec.hosts[1].disk;
    const vars = labVars(Homelab.create(spec));
    const nulls: string[] = [];
    const walk = (v: unknown, at: string): void => {
      if (v === null) nulls.push(at);
      else if (typeof v === "object") for (const [k, e] of Object.entries(v as object)) walk(e, `${at}.${k}`);
    };
    walk(vars, "vars");
    expect(nulls).toEqual([]);
    expect(Object.keys((vars.nodes as any).worker1)).toEqual(["hostname", "master", "tags"]);
  });

  it("default preset: the value is today's, with facts appended after it", () => {
    const lab = Homelab.create({ ...fixtureLab, nix: { rolesDir: "roles", facts: { username: "ops" } } });
    const vars = labVars(lab);
    expect(vars).toEqual({ ...varsValue(lab), username: "ops" });
    expect(Object.keys(vars).at(-1)).toBe("username");
    expect(labVars(Homelab.create(fixtureLab))).toEqual(varsValue(Homelab.create(fixtureLab)));
  });

  it("a mapping function shapes vars.nix from the model and the preset", () => {
    const rendered = render({
      spec: nixlabSpec,
      kubernetes: nixlabKubernetes,
      vars: (lab, preset) => ({ ...preset, clusterDomain: lab.domain, masters: lab.hostsWith("k3s-server").length }),
    });
    const text = rendered.files.get("nix/vars.nix")!;
    expect(text).toContain('  clusterDomain = "nixlab.example.org";\n');
    expect(text).toContain("  masters = 1;\n");
    expect(text).toContain('  nginxIp = "192.168.1.193";\n');
  });

  it("refuses a mapping that returns what Nix cannot hold, naming where, writing nothing", () => {
    let stderr = "";
    const code = withTempDir((root) =>
      runCli(
        { spec: nixlabSpec, kubernetes: nixlabKubernetes, vars: (_lab, preset) => ({ ...preset, port: 1.5 }) },
        { root, out: () => {}, err: (t) => void (stderr += t) },
      ),
    );
    expect(code).toBe(1);
    expect(stderr).toContain("vars mapping returned the number 1.5 (not a whole number) at vars.port");
    expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });

  it("refuses facts that take a name the preset or a reservation writes, and values Nix cannot hold", () => {
    const spec = structuredClone(nixlabSpec) as any;
    spec.nix.facts = { nginxIp: "1.2.3.4", domain: "x", ratio: 0.5, "bad name": "x", empty: null };
    const { problems } = Homelab.validate(spec);
    const errors = problems.filter((p) => p.level === "error");
    expect(errors.map((p) => `${p.path.join(".")}: ${p.message}`)).toEqual([
      'nix.facts.nginxIp: vars.nix already has "nginxIp" (written from the model)',
      'nix.facts.domain: vars.nix already has "domain" (written from the model)',
      "nix.facts.ratio: number 0.5 is not a whole number",
      'nix.facts.bad name: "bad name" is not a Nix attribute name',
      "nix.facts.empty: null cannot go into vars.nix",
    ]);
  });
});
