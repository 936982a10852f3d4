/**
 * The other seed labs as tested examples (issue 10 part 5): the Nomad/Consul lab without Kubernetes
 * (test/fixtures/nomad-lab.ts, its NFS server and standby in `vars.nfs`) and the Odroid lab's distributed
 * builds (`vars.buildMachines`, test/fixtures/odroid-dhcp-lab.ts). Each synthesizes through the real writer
 * into a temporary project and its vars.nix is evaluated by the real Nix evaluator.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Homelab, parseSpec } from "../lib/model/index.js";
import { emitNix, labVars } from "../lib/nix/emit.js";
import { checkLab } from "../lib/cli/commands/check.js";
import { runCli } from "../lib/synth/cli.js";
import { homelab as fixtureLab } from "./fixtures/lab/homelab.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";
import { nomadLab } from "./fixtures/nomad-lab.js";
import { odroidBuildLab, odroidDhcpLab } from "./fixtures/odroid-dhcp-lab.js";
import { itNix, nixEvalBool, nixEvalJson } from "./helpers/nix.js";
import { sharedAvailable, sharedDir } from "./helpers/shared.js";

const nomadRoles = path.resolve(import.meta.dirname, "fixtures/nomad-roles");

/** Every file below `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Runs synth of `spec` (no Kubernetes definitions) into `root`; returns exit code, stdout and stderr. */
function synth(spec: unknown, root: string): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = runCli(
    { spec, source: "apps/homelab.ts" },
    { root, out: (t) => void (out += t), err: (t) => void (err += t) },
  );
  return { code, out, err };
}

describe("the Nomad/Consul seed lab: no kubernetes section", () => {
  let root = "";
  let first: ReturnType<typeof synth>;
  beforeAll(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "homelab-nomad-")));
    first = synth(nomadLab, root);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("validates without a MetalLB pool and without a problem", () => {
    const { homelab, problems } = Homelab.validate(nomadLab);
    expect(problems).toEqual([]);
    expect(homelab!.metallbPool).toEqual([]);
    expect(homelab!.nfs).toEqual({ server: "zippy", standbys: ["c1"], interval: "5m" });
  });

  it("synthesizes through the real writer: nix/ for its 8 hosts and no dist/", () => {
    expect(first.code, first.err).toBe(0);
    expect(listFiles(path.join(root, "nix"))).toEqual([
      ...["beefy", "c1", "c2", "c3", "chilly", "sparky", "sunny", "zippy"].map((h) => `hosts/${h}/roles.nix`),
      "vars.nix",
    ]);
    // A lab without Kubernetes has no Flux layers: synth writes no dist/ at all (not an empty one).
    expect(fs.existsSync(path.join(root, "dist"))).toBe(false);
    expect(fs.readFileSync(path.join(root, "nix/hosts/zippy/roles.nix"), "utf8")).toContain(
      "../../roles/nfs-services-server.nix",
    );
  });

  it("synth again writes nothing and keeps every file; a changed interval rewrites vars.nix, no host file", () => {
    const before = fs.readFileSync(path.join(root, "nix/vars.nix"), "utf8");
    const again = synth(nomadLab, root);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/ 0 written, 0 removed/);
    expect(fs.readFileSync(path.join(root, "nix/vars.nix"), "utf8")).toBe(before);
    const changed = synth({ ...nomadLab, nfs: { ...nomadLab.nfs!, interval: "10m" } }, root);
    expect(changed.code, changed.err).toBe(0);
    // vars.nix and synth's manifest of the files it owns (its hash of vars.nix changed); no roles.nix.
    expect(changed.out).toMatch(/ 2 written, 0 removed/);
    expect(fs.readFileSync(path.join(root, "nix/vars.nix"), "utf8")).toContain('interval = "10m";');
    expect(synth(nomadLab, root).code).toBe(0);
  });

  it("check finds it up to date, with no finding and no error", () => {
    const report = checkLab({
      root,
      entry: "apps/homelab.ts",
      definition: { spec: nomadLab, source: "apps/homelab.ts" },
    });
    expect(report).toMatchObject({ ok: true, errors: [], drift: [], findings: [], interrupted: false });
    expect(report.files).toBeGreaterThanOrEqual(9);
  });

  itNix("its vars.nix evaluates and holds the lab's facts", () => {
    const vars = nixEvalJson(path.join(root, "nix/vars.nix")) as any;
    expect(vars.nfs).toEqual({ server: "zippy", standbys: ["c1"], interval: "5m" });
    expect(vars.metallbPool).toEqual([]);
    expect(vars.k3s).toBeNull();
    expect(vars.buildMachines).toBeUndefined();
    expect(vars.nodes.c1.roles).toEqual([
      "minimal-node",
      "cluster-member",
      "nomad-worker",
      "nomad-server",
      "nfs-services-standby",
    ]);
    expect(vars.nodes.sunny.roles).toEqual(["minimal-node"]);
    expect(vars.nodes.zippy.address).toBe("192.168.10.20");
    // The quorum opens Nomad's and Consul's server ports, the NFS hosts NFS; sunny only SSH and node_exporter.
    expect(vars.nodes.c2.firewall.allowedTCPPorts).toEqual(expect.arrayContaining([8300, 8500]));
    expect(vars.nodes.zippy.firewall.allowedTCPPorts).toEqual(expect.arrayContaining([2049]));
    expect(vars.nodes.zippy.firewall.allowedTCPPorts).not.toContain(8300);
    expect(vars.nodes.sunny.firewall.allowedTCPPorts).toEqual([22, 9100]);
  });

  it.skipIf(!sharedAvailable("nixos/lib", "the NFS role modules through lib.evalModules"))(
    "the example NFS role modules read vars.nfs: zippy replicates to c1 every 5m, c1 guards, c2 has neither",
    () => {
      // Real lib.evalModules (../shared/nixos/lib) with _module.check on; systemd.services and systemd.timers
      // are our stand-in declarations (attribute sets of units), the rest is the fixture's role modules.
      const expr = `
        let
          lib = import ${sharedDir}/nixos/lib;
          vars = import ${root}/nix/vars.nix;
          units = lib.mkOption { type = lib.types.attrsOf lib.types.anything; default = { }; };
          host = name:
            (lib.evalModules {
              specialArgs = { inherit vars; node = vars.nodes.\${name}; };
              modules = [
                { options.systemd = { services = units; timers = units; }; config._module.check = true; }
              ] ++ map (r: ${nomadRoles} + "/\${r}.nix")
                (builtins.filter (r: lib.hasPrefix "nfs-services-" r) vars.nodes.\${name}.roles);
            }).config.systemd;
          zippy = host "zippy";
          c1 = host "c1";
          c2 = host "c2";
        in
          builtins.attrNames zippy.timers == [ "replicate-services-to-c1" ]
          && zippy.timers.replicate-services-to-c1.timerConfig.OnUnitActiveSec == "5m"
          && zippy.services.replicate-services-to-c1.environment.STANDBY == "192.168.10.11"
          && builtins.attrNames c1.services == [ "nfs-standby-guard" ]
          && c1.services.nfs-standby-guard.environment.NFS_PRIMARY == "zippy"
          && c1.timers == { }
          && c2.services == { } && c2.timers == { }
      `;
      expect(nixEvalBool({ expr })).toBe(true);
    },
  );
});

describe("a lab that drops its Kubernetes side", () => {
  it("synth removes the dist/ it wrote before and keeps writing nix/; synth again writes nothing", () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "homelab-drop-k8s-")));
    try {
      const quiet = { root, out: () => {}, err: () => {} };
      expect(runCli({ spec: fixtureLab, source: "apps/homelab.ts", kubernetes: defineKubernetes }, quiet)).toBe(0);
      const dist = listFiles(path.join(root, "dist"));
      expect(dist.length).toBeGreaterThan(5);
      const { kubernetes: _dropped, ...withoutKubernetes } = fixtureLab;
      const dropped = synth(withoutKubernetes, root);
      expect(dropped.code, dropped.err).toBe(0);
      expect(dropped.out).toContain(`, ${dist.length} removed`);
      expect(listFiles(path.join(root, "dist"))).toEqual([]);
      expect(listFiles(path.join(root, "nix"))).toContain("vars.nix");
      expect(synth(withoutKubernetes, root).out).toMatch(/ 0 written, 0 removed/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("the Odroid seed lab's distributed builds: nix.buildMachines", () => {
  let root = "";
  let first: ReturnType<typeof synth>;
  beforeAll(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "homelab-odroid-builds-")));
    first = synth(odroidBuildLab, root);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("is opt-in: the Odroid lab without it has no buildMachines", () => {
    const homelab = Homelab.create(odroidDhcpLab);
    expect(homelab.nix.buildMachines).toBeUndefined();
  });

  it("synthesizes through the real writer (without dist/: no Kubernetes definitions given)", () => {
    expect(first.code, first.err).toBe(0);
    expect(fs.existsSync(path.join(root, "nix/vars.nix"))).toBe(true);
  });

  itNix("vars.buildMachines: one aarch64-linux machine per board, by its mDNS name, 4 jobs (its cores)", () => {
    const expected = [1, 2, 3, 4, 5, 6, 7]
      .map(
        (n) =>
          `{ hostName = "node${n}.local"; system = "aarch64-linux"; maxJobs = 4; speedFactor = 1;` +
          ` supportedFeatures = [ "big-parallel" ]; sshUser = "root"; sshKey = "/root/.ssh/id_ed25519"; }`,
      )
      .join("\n");
    expect(nixEvalBool({ expr: `(import ${root}/nix/vars.nix).buildMachines == [\n${expected}\n]` })).toBe(true);
  });

  itNix("the defaults, a host subset and unknown cores: maxJobs 1, sorted by hostname", () => {
    const spec = structuredClone(odroidDhcpLab) as any;
    delete spec.hosts[4].hardware; // node5: cores unknown
    spec.nix = { buildMachines: { hosts: ["node5", "node2"] } };
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "homelab-odroid-builds-")));
    try {
      const r = synth(spec, dir);
      expect(r.code, r.err).toBe(0);
      expect(nixEvalJson(path.join(dir, "nix/vars.nix"))).toMatchObject({
        buildMachines: [
          {
            hostName: "node2.local",
            system: "aarch64-linux",
            maxJobs: 4,
            speedFactor: 1,
            supportedFeatures: [],
            sshUser: "root",
            sshKey: "/root/.ssh/id_ed25519",
          },
          { hostName: "node5.local", maxJobs: 1 },
        ],
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!sharedAvailable("nixos/lib", "vars.buildMachines against nix.buildMachines' option types"))(
    "passes as nix.buildMachines through the example role module: node1 sends builds to the 6 other boards",
    () => {
      // ../shared/nixos has no nix-remote-build.nix: these declarations are our stand-in for NixOS's
      // `nix.buildMachines` submodule (its field names and types); _module.check refuses any other field.
      const expr = `
        let
          lib = import ${sharedDir}/nixos/lib;
          t = lib.types;
          opt = type: default: lib.mkOption { inherit type default; };
          machine = t.submodule {
            options = {
              hostName = lib.mkOption { type = t.str; };
              system = opt (t.nullOr t.str) null;
              systems = opt (t.listOf t.str) [ ];
              sshUser = opt (t.nullOr t.str) null;
              sshKey = opt (t.nullOr t.str) null;
              maxJobs = opt t.int 1;
              speedFactor = opt t.int 1;
              supportedFeatures = opt (t.listOf t.str) [ ];
              mandatoryFeatures = opt (t.listOf t.str) [ ];
              publicHostKey = opt (t.nullOr t.str) null;
              protocol = opt (t.enum [ null "ssh" "ssh-ng" ]) "ssh";
            };
          };
          vars = import ${root}/nix/vars.nix;
          config = (lib.evalModules {
            specialArgs = { inherit vars; node = vars.nodes.node1; };
            modules = [
              {
                options.nix = { distributedBuilds = opt t.bool false; buildMachines = opt (t.listOf machine) [ ]; };
                config._module.check = true;
              }
              ${path.resolve(import.meta.dirname, "fixtures/odroid-roles/distributed-builds.nix")}
            ];
          }).config;
          ms = config.nix.buildMachines;
        in
          config.nix.distributedBuilds
          && builtins.all (m: m.system == "aarch64-linux" && m.maxJobs == 4 && m.protocol == "ssh") ms
          && map (m: m.hostName) ms == map (n: "node\${toString n}.local") [ 2 3 4 5 6 7 ]
      `;
      expect(nixEvalBool({ expr })).toBe(true);
    },
  );
});

describe("the README's example labs", () => {
  const readme = fs.readFileSync(path.resolve(import.meta.dirname, "../README.md"), "utf8");
  const start = readme.indexOf("### Example labs");
  const section = readme.slice(start, readme.indexOf("\n### ", start + 1));
  const yaml = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const nixExcerpt = /```nix\n([\s\S]*?)```/.exec(section)![1]!;

  it("the Nomad lab in YAML gives the fixture's vars.nix", () => {
    const fromReadme = Homelab.create(parseSpec(yaml[0]!, "apps/homelab.yaml"));
    expect(labVars(fromReadme)).toEqual(labVars(Homelab.create(nomadLab)));
  });

  it("the buildMachines fragment (defaults for the rest) gives the Odroid build fixture's vars.nix", () => {
    const fragment = parseSpec(yaml[1]!, "apps/homelab.yaml") as { nix: object };
    const homelab = Homelab.create({ ...odroidDhcpLab, ...fragment });
    expect(labVars(homelab)).toEqual(labVars(Homelab.create(odroidBuildLab)));
    expect(emitNix(homelab).get("nix/vars.nix")).toContain(nixExcerpt);
  });
});
