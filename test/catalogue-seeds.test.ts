/**
 * Bad inputs around the seed labs' options (issue 10 part 5): the NFS relation (`nfs`), distributed builds
 * (`nix.buildMachines`), and the MetalLB pool, still required in a lab with Kubernetes. Each is refused with
 * its spec path and a fix, nothing written.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../lib/synth/cli.js";
import { nomadLab } from "./fixtures/nomad-lab.js";
import { CatalogueProject } from "./helpers/catalogue.js";

/** node1 of the fixture lab becomes an NFS server and node2 a standby. */
const nfsHosts = (s: any) => {
  s.hosts[0].roles.push("cluster-member", "nfs-services-server");
  s.hosts[1].roles.push("cluster-member", "nfs-services-standby");
};

describe("catalogue: the seed labs' options", () => {
  let project: CatalogueProject;
  beforeAll(() => {
    project = new CatalogueProject();
  });
  afterAll(() => project.remove());

  it("a lab with Kubernetes still needs its MetalLB pool", () => {
    project.expectRefused({
      name: "no pool with kubernetes",
      spec: (s) => delete s.network.metallbPool,
      path: "network.metallbPool",
      message: /is missing; the network needs it/,
    });
  });

  it("an NFS server that is not a host", () => {
    project.expectRefused({
      name: "unknown NFS server",
      spec: (s) => (s.nfs = { server: "zippy" }),
      path: "nfs.server",
      message: /"zippy" is not a host of the lab.*Name one of the hosts: node1, node2, node3/s,
    });
  });

  it("an NFS server without the server role", () => {
    project.expectRefused({
      name: "NFS server without its role",
      spec: (s) => (s.nfs = { server: "node1" }),
      path: "nfs.server",
      message: /host "node1" has no storage-server role.*Add "nfs-services-server" to the roles of host "node1"/s,
    });
  });

  it("a standby without the standby role", () => {
    project.expectRefused({
      name: "standby without its role",
      spec: (s) => {
        nfsHosts(s);
        s.nfs = { server: "node1", standbys: ["node2", "node3"] };
      },
      path: "nfs.standbys[1]",
      message: /host "node3" has no storage-standby role.*Add "nfs-services-standby"/s,
    });
  });

  it("the server as its own standby", () => {
    project.expectRefused({
      name: "server as standby",
      spec: (s) => {
        nfsHosts(s);
        s.nfs = { server: "node1", standbys: ["node1"] };
      },
      path: "nfs.standbys[0]",
      message: /"node1" is the server itself/,
    });
  });

  it("a replication interval in words", () => {
    project.expectRefused({
      name: "interval in words",
      spec: (s) => {
        nfsHosts(s);
        s.nfs = { server: "node1", standbys: ["node2"], interval: "5 minutes" };
      },
      path: "nfs.interval",
      message: /must be a time span, got "5 minutes".*e\.g\. "5m"/s,
    });
  });

  it("a build machine that is not a host", () => {
    project.expectRefused({
      name: "unknown build machine",
      spec: (s) => (s.nix.buildMachines = { hosts: ["node1", "node9"] }),
      path: "nix.buildMachines.hosts[1]",
      message: /"node9" is not a host of the lab/,
    });
  });

  it("a fractional speed factor", () => {
    project.expectRefused({
      name: "fractional speedFactor",
      spec: (s) => (s.nix.buildMachines = { speedFactor: 1.5 }),
      path: "nix.buildMachines.speedFactor",
      message: /must be a whole number from 1, got number 1\.5/,
    });
  });

  it("maxJobs given by hand (it comes from hardware.cores)", () => {
    project.expectRefused({
      name: "maxJobs field",
      spec: (s) => (s.nix.buildMachines = { maxJobs: 4 }),
      path: "nix.buildMachines.maxJobs",
      message: /is not a field of nix\.buildMachines/,
    });
  });

  it("a fact named like the buildMachines attribute", () => {
    project.expectRefused({
      name: "fact buildMachines",
      spec: (s) => {
        s.nix.buildMachines = {};
        s.nix.facts = { buildMachines: [] };
      },
      path: "nix.facts.buildMachines",
      message: /vars\.nix already has "buildMachines" \(written from nix\.buildMachines\)/,
    });
  });
});

describe("catalogue: the Nomad lab (no kubernetes section)", () => {
  it("a standalone host as the NFS standby: refused, its synthesized nix/ left as it was", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-catalogue-nomad-"));
    try {
      const quiet = { root, out: () => {}, err: () => {} };
      expect(runCli({ spec: nomadLab, source: "apps/homelab.ts" }, quiet)).toBe(0);
      const vars = fs.readFileSync(path.join(root, "nix/vars.nix"), "utf8");
      let stderr = "";
      const code = runCli(
        { spec: { ...nomadLab, nfs: { server: "zippy", standbys: ["sunny"] } }, source: "apps/homelab.ts" },
        { root, out: () => {}, err: (t) => void (stderr += t) },
      );
      expect(code, stderr).toBe(1);
      expect(stderr).toContain("nfs.standbys[0]");
      expect(stderr).toMatch(/host "sunny" has no storage-standby role/);
      expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(fs.readFileSync(path.join(root, "nix/vars.nix"), "utf8")).toBe(vars);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
