/**
 * diffLab / formatLabDiff / hasChanges on rendered labs (fixtures from the seed labs, never
 * apps/): resources by identity with field paths, moves, per-host Nix changes and the
 * dangerous-change warnings.
 */
import { describe, expect, it } from "vitest";
import { diffLab, formatLabDiff, hasChanges, type LabDiff, type ResourceChange } from "../lib/diff/index.js";
import { diffValues } from "../lib/diff/fields.js";
import type { FieldChange } from "../lib/diff/types.js";
import { renderNixlab, renderThinkcentre, thinkcentreKubernetes, thinkcentreSpec } from "./fixtures/diffgraph-labs.js";
import { render } from "../lib/synth/render.js";

const base = renderNixlab();

function edited(
  files: ReadonlyMap<string, string>,
  edits: Record<string, ((text: string) => string) | null>,
): Map<string, string> {
  const out = new Map(files);
  for (const [path, edit] of Object.entries(edits)) {
    if (edit === null) out.delete(path);
    else out.set(path, edit(out.get(path) ?? ""));
  }
  return out;
}

function replaced(text: string, from: string | RegExp, to: string): string {
  const next = text.replace(from, to);
  expect(next, `edit ${String(from)}`).not.toBe(text);
  return next;
}

function find(diff: LabDiff, kind: string, name: string): ResourceChange | undefined {
  return diff.kubernetes.find((c) => c.kind === kind && c.name === name);
}

describe("diffLab", () => {
  it("finds nothing between identical trees", () => {
    const diff = diffLab(base.files, new Map(base.files));
    expect(hasChanges(diff)).toBe(false);
    expect(diff).toEqual({
      files: { added: [], removed: [], changed: [] },
      kubernetes: [],
      nix: { lab: [], hosts: [] },
      warnings: [],
      notes: [],
    });
    expect(formatLabDiff(diff)).toBe("No changes.\n");
  });

  it("reports a chart bump as one field change on one line", () => {
    const file = "dist/infrastructure/controllers/metallb.yaml";
    const version = /version: "([0-9.]+)"/.exec(base.files.get(file)!)![1]!;
    const after = edited(base.files, { [file]: (t) => replaced(t, `version: "${version}"`, 'version: "99.1.2"') });
    const diff = diffLab(base.files, after);
    expect(hasChanges(diff)).toBe(true);
    expect(diff.files).toEqual({ added: [], removed: [], changed: [file] });
    expect(diff.kubernetes).toEqual([
      {
        change: "changed",
        apiVersion: "helm.toolkit.fluxcd.io/v2",
        kind: "HelmRelease",
        namespace: "metallb-system",
        name: "metallb",
        file,
        fields: [{ path: "spec.chart.spec.version", before: version, after: "99.1.2" }],
      },
    ]);
    expect(diff.warnings).toEqual([]);
    expect(formatLabDiff(diff)).toContain(
      `~ HelmRelease metallb-system/metallb: spec.chart.spec.version ${version} -> 99.1.2\n`,
    );
  });

  describe("a realistic change of nixlab", () => {
    // Move the WireGuard reservation, promote worker1 to a k3s server, add worker3, bump
    // Nextcloud's image and drop the whoami app.
    const after = renderNixlab(
      (s) => {
        s.network.loadBalancerIps.wireguard = "192.168.1.195";
        s.hosts[1].roles = ["minimal-node", "cluster-tools", "k3s-server"];
        s.hosts.push({ hostname: "worker3", address: "192.168.1.13", roles: ["minimal-node", "k3s-agent"] });
      },
      { nextcloudImage: "docker.io/library/nextcloud:32.0.2-apache", whoami: false },
    );
    const diff = diffLab(base.files, after.files);

    it("lists resources added, removed and changed with field paths (lists matched by name)", () => {
      expect(find(diff, "Deployment", "nextcloud")?.fields).toEqual([
        {
          path: "spec.template.spec.containers[name=nextcloud].image",
          before: "docker.io/library/nextcloud:32.0.1-apache",
          after: "docker.io/library/nextcloud:32.0.2-apache",
        },
      ]);
      const removed = diff.kubernetes
        .filter((c) => c.change === "removed")
        .map((c) => `${c.kind} ${c.namespace}/${c.name}`);
      expect(removed).toEqual([
        "Deployment whoami/whoami",
        "Ingress whoami/whoami",
        "Namespace /whoami",
        "NetworkPolicy whoami/default-deny",
        "NetworkPolicy whoami/whoami",
        "Service whoami/whoami",
      ]);
      expect(find(diff, "Service", "wireguard")?.fields).toEqual([
        { path: 'metadata.annotations["metallb.io/loadBalancerIPs"]', before: "192.168.1.194", after: "192.168.1.195" },
      ]);
      expect(diff.kubernetes.some((c) => c.change === "added")).toBe(false);
    });

    it("reports per host: k3s role, imports, firewall openings, added hosts", () => {
      const worker1 = diff.nix.hosts.find((h) => h.hostname === "worker1")!;
      expect(worker1.change).toBe("changed");
      expect(worker1.k3s).toEqual({ before: "agent", after: "server" });
      expect(worker1.imports?.after).toContain("../../roles/k3s-server.nix");
      expect(worker1.imports?.before).toContain("../../roles/k3s-agent.nix");
      expect(worker1.firewall).toEqual({ opened: ["tcp 2379-2380", "tcp 6443"], closed: [] });
      const worker3 = diff.nix.hosts.find((h) => h.hostname === "worker3")!;
      expect(worker3).toMatchObject({ change: "added", address: "192.168.1.13", roles: ["minimal-node", "k3s-agent"] });
      expect(worker3.k3s).toEqual({ before: "none", after: "agent" });
      // A second server: etcd's peer ports open on the first one too.
      expect(diff.nix.hosts.find((h) => h.hostname === "master")!.firewall).toEqual({
        opened: ["tcp 2379-2380"],
        closed: [],
      });
      expect(diff.nix.hosts.map((h) => h.hostname)).toEqual(["master", "worker1", "worker3"]);
      expect(diff.nix.lab).toEqual([{ path: "wireguardIp", before: "192.168.1.194", after: "192.168.1.195" }]);
    });

    it("warns about the pruned namespace and the moved reservation, once each", () => {
      expect(diff.warnings.map((w) => `${w.kind} ${w.subject}`)).toEqual([
        "data-loss Namespace whoami",
        "load-balancer-moved wireguardIp",
      ]);
      expect(diff.warnings[0]!.message).toContain("flux-system/apps prunes");
    });

    it("is plain JSON and formats in a stable order, warnings first", () => {
      expect(JSON.parse(JSON.stringify(diff))).toEqual(diff);
      const text = formatLabDiff(diff);
      expect(text).toBe(formatLabDiff(diffLab(base.files, after.files)));
      expect(text.indexOf("Warnings (2)")).toBe(0);
      expect(text.indexOf("Kubernetes (")).toBeLessThan(text.indexOf("\nNix\n"));
      expect(text).toContain("  ~ host worker1:\n      k3s agent -> server\n");
      expect(text).toContain("      firewall opens tcp 2379-2380, tcp 6443\n");
      expect(text).toContain("  + host worker3  192.168.1.13 roles: minimal-node, k3s-agent\n");
      expect(text).toContain("  - Ingress whoami/whoami  (dist/apps/whoami.yaml)\n");
      expect(text).not.toContain("\u001b[");
      const colored = formatLabDiff(diff, { color: true });
      expect(colored).toContain("\u001b[31m");
      expect(colored.replace(/\u001b\[[0-9]+m/g, "")).toBe(text);
    });
  });

  it("reports a resource that moved to another file as moved, not removed and added, and warns of nothing", () => {
    const file = "dist/apps/nextcloud.yaml";
    const text = base.files.get(file)!;
    const pvc = /\napiVersion: v1\nkind: PersistentVolumeClaim\n[\s\S]*?\n---\n/.exec(text)![0];
    const header = text.slice(0, text.indexOf("\n") + 1);
    const after = edited(base.files, {
      [file]: (t) => replaced(t, pvc, "\n"),
      "dist/apps/nextcloud-data.yaml": () => header + pvc.slice(1, -4),
    });
    const diff = diffLab(base.files, after);
    expect(diff.kubernetes).toEqual([
      expect.objectContaining({
        change: "moved",
        kind: "PersistentVolumeClaim",
        file: "dist/apps/nextcloud-data.yaml",
        fromFile: file,
        fields: [],
      }),
    ]);
    expect(diff.warnings).toEqual([]);
    expect(formatLabDiff(diff)).toContain(
      `> PersistentVolumeClaim nextcloud/nextcloud-data: moved ${file} -> dist/apps/nextcloud-data.yaml`,
    );
  });

  describe("data loss", () => {
    const withoutNextcloud = renderNixlab(() => {}, { nextcloud: false });

    it("warns for a PVC, a CNPG Cluster and a Namespace removed from a layer that prunes", () => {
      const diff = diffLab(base.files, withoutNextcloud.files);
      const loss = diff.warnings.filter((w) => w.kind === "data-loss").map((w) => w.subject);
      expect(loss).toEqual([
        "Cluster nextcloud/nextcloud-db",
        "Namespace nextcloud",
        "PersistentVolumeClaim nextcloud/nextcloud-data",
      ]);
    });

    it("does not warn when the layer does not prune", () => {
      const noPrune = edited(withoutNextcloud.files, {
        "dist/bootstrap/layers.yaml": (t) => t.replaceAll("prune: true", "prune: false"),
      });
      const diff = diffLab(base.files, noPrune);
      expect(diff.kubernetes.filter((c) => c.change === "removed").length).toBeGreaterThan(3);
      expect(diff.warnings.filter((w) => w.kind === "data-loss")).toEqual([]);
    });
  });

  it("warns when a k3s server is removed and when the cluster-init server moves", () => {
    const before = renderThinkcentre();
    const spec = thinkcentreSpec() as any;
    const removed = render({ spec: { ...spec, hosts: [spec.hosts[0]] }, kubernetes: thinkcentreKubernetes() });
    const d1 = diffLab(before.files, removed.files);
    expect(d1.nix.hosts).toEqual([
      // One server left: it has no etcd peers, so 2379-2380 closes.
      expect.objectContaining({
        hostname: "homelab-0",
        change: "changed",
        firewall: { opened: [], closed: ["tcp 2379-2380"] },
      }),
      expect.objectContaining({ hostname: "homelab-1", change: "removed", address: "192.168.50.103" }),
    ]);
    expect(d1.warnings.map((w) => `${w.kind} ${w.subject}`)).toEqual(["k3s-server-removed homelab-1"]);
    // Longhorn's default replica count follows the number of hosts.
    expect(d1.kubernetes.map((c) => [c.kind, c.name, c.fields])).toEqual([
      ["HelmRelease", "longhorn", [{ path: "spec.values.persistence.defaultClassReplicaCount", before: 2, after: 1 }]],
    ]);

    const moved = render({
      spec: {
        ...spec,
        hosts: [
          { ...spec.hosts[0], clusterInit: false },
          { ...spec.hosts[1], clusterInit: true },
        ],
      },
      kubernetes: thinkcentreKubernetes(),
    });
    const d2 = diffLab(before.files, moved.files);
    expect(d2.warnings.map((w) => `${w.kind} ${w.subject}`)).toEqual(["cluster-init-moved homelab-1"]);
    expect(d2.nix.lab).toEqual([
      { path: "k3s.clusterInit", before: "homelab-0", after: "homelab-1" },
      { path: "k3s.serverAddr", before: "https://192.168.50.104:6443", after: "https://192.168.50.103:6443" },
    ]);
  });

  it("warns when a resource's MetalLB address changes without a reservation change", () => {
    const file = "dist/apps/wireguard.yaml";
    const after = edited(base.files, {
      [file]: (t) => replaced(t, 'loadBalancerIPs: "192.168.1.194"', 'loadBalancerIPs: "192.168.1.199"'),
    });
    const diff = diffLab(base.files, after);
    expect(diff.warnings).toEqual([
      expect.objectContaining({ kind: "load-balancer-moved", subject: "Service wireguard/wireguard" }),
    ]);
    expect(diff.warnings[0]!.message).toContain("192.168.1.194 -> 192.168.1.199");
  });

  it("names files it cannot read or whose text changed without effect, and never throws", () => {
    // A lab without its page before (as before synth wrote dist/README.md), with one after.
    const before = edited(base.files, { "dist/README.md": null });
    const after = edited(base.files, {
      "dist/apps/whoami.yaml": () => "# Generated by cdk8s-homelab\nkind: [unclosed\n",
      "nix/hosts/master/roles.nix": (t) => replaced(t, "{ ... }:", "let x = 1; in { ... }:"),
      "dist/apps/nextcloud.yaml": (t) => `# an extra comment\n${t}`,
      "dist/README.md": () => "# the lab\n",
    });
    const diff = diffLab(before, after);
    const notes = Object.fromEntries(diff.notes.map((n) => [n.file, n.note]));
    expect(notes["dist/apps/whoami.yaml"]).toMatch(/^after: not valid YAML/);
    expect(notes["nix/hosts/master/roles.nix"]).toMatch(
      /^after: not in the subset the Nix printer writes \(3:1: "let"/,
    );
    expect(notes["dist/apps/nextcloud.yaml"]).toBe("text changed (comments or formatting) but no resource did");
    // the page is a file with no resources: it is named as added
    expect(notes["dist/README.md"]).toBe("added");
    expect(diff.files.added).toEqual(["dist/README.md"]);
    expect(find(diff, "Deployment", "whoami")).toBeUndefined();
    expect(formatLabDiff(diff)).toContain("Files\n  dist/README.md: added\n");
  });

  it("reads a lab in a repository subfolder and SOPS files through the yaml package", () => {
    const sops =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: wg-phone\n  namespace: wireguard\ndata:\n" +
      "  publicKey: ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]\n" +
      "sops:\n  mac: ENC[AES256_GCM,data:m]\n  version: 3.9.0\n";
    const after = edited(base.files, { "dist/apps/wireguard-wg-phone.sops.yaml": () => sops });
    const diff = diffLab(base.files, after);
    expect(diff.kubernetes).toEqual([
      expect.objectContaining({ change: "added", kind: "Secret", namespace: "wireguard", name: "wg-phone" }),
    ]);
  });
});

describe("diffValues: field paths", () => {
  function changes(a: unknown, b: unknown): FieldChange[] {
    const out: FieldChange[] = [];
    diffValues(a as never, b as never, "", out);
    return out;
  }

  it("matches named list elements by name and reports an order change once", () => {
    const a = {
      env: [
        { name: "A", value: "1" },
        { name: "B", value: "2" },
      ],
    };
    const b = {
      env: [
        { name: "NEW", value: "0" },
        { name: "A", value: "1" },
        { name: "B", value: "3" },
      ],
    };
    expect(changes(a, b)).toEqual([
      { path: "env[name=B].value", before: "2", after: "3" },
      { path: "env[name=NEW]", after: { name: "NEW", value: "0" } },
    ]);
    expect(changes(a, { env: [a.env[1], a.env[0]] })).toEqual([
      { path: "env (order)", before: ["A", "B"], after: ["B", "A"] },
    ]);
  });

  it("matches other object lists by index and keeps plain lists whole", () => {
    expect(changes({ rules: [{ host: "a" }, { host: "b" }] }, { rules: [{ host: "a" }] })).toEqual([
      { path: "rules[1]", before: { host: "b" } },
    ]);
    expect(changes({ args: ["a", "b"] }, { args: ["a", "b", "c"] })).toEqual([
      { path: "args", before: ["a", "b"], after: ["a", "b", "c"] },
    ]);
  });

  it("quotes keys that are not plain words and reports type changes as one change", () => {
    expect(
      changes({ metadata: { annotations: { "a.b/c": "1" } } }, { metadata: { annotations: { "a.b/c": "2" } } }),
    ).toEqual([{ path: 'metadata.annotations["a.b/c"]', before: "1", after: "2" }]);
    expect(changes({ x: { y: 1 } }, { x: [1] })).toEqual([{ path: "x", before: { y: 1 }, after: [1] }]);
    expect(changes({ a: 1, b: { c: null } }, { b: { c: null }, a: 1 })).toEqual([]);
  });
});
