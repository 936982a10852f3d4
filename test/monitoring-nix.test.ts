/**
 * The Nix side of monitoring, through the real Nix evaluator: `vars.nix` lists every host's node_exporter target
 * with its labels (a Nomad lab without Kubernetes included), and the example role module
 * nix/roles/prometheus-server.nix turns them into a NixOS Prometheus' scrape configuration.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { Homelab, type HomelabSpec, monitoringTargets } from "../lib/model/index.js";
import { emitNix, varsValue } from "../lib/nix/emit.js";
import { monitoringSpec } from "./fixtures/monitoring-lab.js";
import { describeNix, itNix, nixEvalJson, withTempDir } from "./helpers/nix.js";

const repo = path.resolve(import.meta.dirname, "..");

/** A Nomad/Consul lab (the Nomad seed's roles), no Kubernetes at all. */
const nomadSpec: HomelabSpec = {
  name: "nomadlab",
  network: {
    domain: "home.example.org",
    lan: "10.0.1.0/24",
    gateway: "10.0.1.1",
    // The model asks for a pool; a Nomad lab without MetalLB never uses it.
    metallbPool: "10.0.1.240-10.0.1.250",
  },
  hosts: [
    { hostname: "nomad-01", address: "10.0.1.21", roles: ["minimal-node", "cluster-member", "nomad-server"] },
    { hostname: "nomad-02", address: "10.0.1.22", roles: ["minimal-node", "cluster-member", "nomad-worker"] },
    {
      hostname: "desk",
      address: "10.0.1.30",
      architecture: "aarch64-linux",
      roles: ["minimal-node", "workstation-node"],
    },
  ],
};

/** vars.nix of `spec` and the role module, written to a folder, then `expr` evaluated there. */
function evalWith(spec: HomelabSpec, expr: string): unknown {
  const files = emitNix(Homelab.create(spec));
  return withTempDir((dir) => {
    for (const [file, text] of files) {
      fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const role = fs.readFileSync(path.join(repo, "nix/roles/prometheus-server.nix"), "utf8");
    fs.writeFileSync(path.join(dir, "nix/prometheus-server.nix"), role);
    return nixEvalJson({ expr, dir });
  });
}

describeNix("monitoring targets in vars.nix", () => {
  for (const [name, spec] of [
    ["a k3s lab with a build host", monitoringSpec],
    ["a Nomad lab without Kubernetes", nomadSpec],
  ] as const) {
    itNix(`${name}: vars.nix has every host's target, and the role module scrapes exactly those`, () => {
      const lab = Homelab.create(spec);
      const expected = monitoringTargets(lab);
      expect(expected.map((t) => t.hostname).sort()).toEqual(spec.hosts.map((h) => h.hostname).sort());
      const evaluated = evalWith(
        spec,
        "let vars = import ./nix/vars.nix; role = import ./nix/prometheus-server.nix { inherit vars; }; in " +
          "{ monitoring = vars.monitoring; scrape = role.services.prometheus.scrapeConfigs; }",
      ) as { monitoring: any; scrape: any[] };
      expect(evaluated.monitoring).toEqual(varsValue(lab).monitoring);
      expect(evaluated.monitoring.nodeExporterPort).toBe(9100);
      expect(evaluated.scrape).toEqual([
        {
          job_name: "node",
          static_configs: expected.map((t) => ({ targets: [t.target], labels: { ...t.labels } })),
        },
      ]);
    });
  }

  itNix("labels carry the model's hostname, roles and architecture", () => {
    const targets = evalWith(nomadSpec, "(import ./nix/vars.nix).monitoring.targets") as any[];
    expect(targets.find((t) => t.hostname === "desk")).toEqual({
      hostname: "desk",
      target: "10.0.1.30:9100",
      inCluster: false,
      labels: { hostname: "desk", roles: "minimal-node,workstation-node", arch: "aarch64-linux" },
    });
  });
});
