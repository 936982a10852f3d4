import { describe, expect, it } from "vitest";
import type { CheckContext, CheckedDocument } from "../lib/check/index.js";
import { hostFirewallCheck } from "../lib/check/references/firewall.js";
import { longhornPrerequisitesCheck } from "../lib/check/references/longhorn-prerequisites.js";
import { Homelab, type HomelabSpec, Port, type RoleSpec, rolePresets } from "../lib/model/index.js";
import { odroidLab } from "./fixtures/odroid-lab.js";
import { smallSpec } from "./fixtures/small-lab.js";

function release(chart: string, namespace = chart): CheckedDocument {
  return {
    file: `dist/infrastructure/controllers/${chart}.yaml`,
    construct: `homelab/infrastructure/${chart}/HelmRelease`,
    doc: {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: chart, namespace },
      spec: { chart: { spec: { chart } } },
    },
  };
}

const cluster = [release("metallb", "metallb-system"), release("longhorn", "longhorn-system")];

function ctx(spec: HomelabSpec, documents: readonly CheckedDocument[] = cluster): CheckContext {
  return { homelab: Homelab.create(spec), documents, secrets: [], sopsFiles: [] };
}

/** The presets with `name` changed by `edit`. */
function presetsWith(name: string, edit: (r: RoleSpec) => RoleSpec): RoleSpec[] {
  return rolePresets.map((r) => (r.name === name ? edit(r) : r));
}

const withoutPort = (port: number) => (r: RoleSpec) => ({
  ...r,
  ports: (r.ports ?? []).filter((p) => p.from !== port),
});

describe("host-firewall", () => {
  it("finds nothing in the fixture labs with the preset roles", () => {
    expect(hostFirewallCheck.run(ctx(smallSpec))).toEqual([]);
    expect(hostFirewallCheck.run(ctx(odroidLab))).toEqual([]);
    const { kubernetes: _, ...nixOnly } = odroidLab;
    expect(hostFirewallCheck.run(ctx(nixOnly, []))).toEqual([]);
  });

  it("is an error nobody can opt out of", () => {
    expect(hostFirewallCheck).toMatchObject({ id: "host-firewall", severity: "error", skippable: false });
  });

  it("asks for the Kubernetes API on a server whose role does not open it", () => {
    const spec = { ...smallSpec, roles: presetsWith("k3s-server", withoutPort(6443)) };
    const findings = hostFirewallCheck.run(ctx(spec));
    expect(findings).toEqual([
      expect.objectContaining({
        check: "host-firewall",
        severity: "error",
        path: "hosts[0].firewall",
        message: expect.stringContaining('host "c1" does not open 6443/tcp (Kubernetes API)'),
        fix: expect.stringContaining('Port.tcp(6443, "Kubernetes API")'),
      }),
    ]);
    // About the spec, not about one generated file.
    expect(findings[0]).not.toHaveProperty("file");
  });

  it("asks for the kubelet on every k3s node, MetalLB's memberlist only when MetalLB is rendered", () => {
    const spec = { ...smallSpec, roles: presetsWith("k3s-agent", withoutPort(10250)) };
    expect(hostFirewallCheck.run(ctx(spec)).map((f) => f.path)).toEqual(["hosts[1].firewall", "hosts[2].firewall"]);
    const noMemberlist = { ...smallSpec, roles: presetsWith("k3s-agent", withoutPort(7946)) };
    const findings = hostFirewallCheck.run(ctx(noMemberlist));
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining('host "c2" does not open 7946/tcp'),
      expect.stringContaining('host "c2" does not open 7946/udp'),
      expect.stringContaining('host "zippy" does not open 7946/tcp'),
      expect.stringContaining('host "zippy" does not open 7946/udp'),
    ]);
    // Without MetalLB rendered, nothing needs the memberlist (and the presets' ports for it are not refused).
    expect(hostFirewallCheck.run(ctx(noMemberlist, [release("longhorn")]))).toEqual([]);
  });

  it("asks for node_exporter where a rendered scrape target or a Prometheus reaches it", () => {
    const spec = { ...smallSpec, roles: presetsWith("minimal-node", withoutPort(9100)) };
    expect(hostFirewallCheck.run(ctx(spec))).toEqual([]);
    const scrape: CheckedDocument = {
      file: "dist/apps/monitoring.yaml",
      construct: "homelab/apps/monitoring/ConfigMap",
      doc: {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "scrape", namespace: "monitoring" },
        data: { "prometheus.yml": "scrape_configs:\n- static_configs:\n  - targets: ['10.0.20.13:9100']\n" },
      },
    };
    const byTarget = hostFirewallCheck.run(ctx(spec, [...cluster, scrape]));
    expect(byTarget.map((f) => [f.path, f.message])).toEqual([
      ["hosts[2].firewall", expect.stringContaining('host "zippy" does not open 9100/tcp')],
    ]);
    expect(byTarget[0]!.message).toContain("a rendered scrape target names zippy:9100");
    // A target is a whole address: 10.0.20.111:9100 is not c1 (10.0.20.11).
    const other = { ...scrape, doc: { ...scrape.doc, data: { "t.yml": "targets: ['10.0.20.111:9100', 'xc1:9100']" } } };
    expect(hostFirewallCheck.run(ctx(spec, [...cluster, other]))).toEqual([]);
    const byChart = hostFirewallCheck.run(ctx(spec, [...cluster, release("kube-prometheus-stack", "monitoring")]));
    expect(byChart.map((f) => f.path)).toEqual(["hosts[0].firewall", "hosts[1].firewall", "hosts[2].firewall"]);
  });

  it("counts a port inside an opened range as open", () => {
    const wide = (r: RoleSpec) => ({
      ...withoutPort(6443)(r),
      ports: [...withoutPort(6443)(r).ports, Port.tcpRange(6000, 7000)],
    });
    expect(hostFirewallCheck.run(ctx({ ...smallSpec, roles: presetsWith("k3s-server", wide) }))).toEqual([]);
  });

  it("refuses a port labelled flannel WireGuard while flannel runs VXLAN, and the reverse", () => {
    const wg = (r: RoleSpec) => ({ ...r, ports: [...(r.ports ?? []), Port.udp(51820, "flannel WireGuard")] });
    const findings = hostFirewallCheck.run(ctx({ ...smallSpec, roles: presetsWith("k3s-agent", wg) }));
    expect(findings.map((f) => [f.path, f.message])).toEqual([
      [
        "hosts[1].firewall",
        expect.stringContaining('role "k3s-agent" opens 51820/udp on host "c2" for "flannel WireGuard"'),
      ],
      ["hosts[2].firewall", expect.stringContaining('k3s.flannelBackend is "vxlan"')],
    ]);
    const vx = (r: RoleSpec) => ({ ...r, ports: [...(r.ports ?? []), Port.udp(8472, "flannel VXLAN")] });
    const wgLab = { ...odroidLab, roles: presetsWith("k3s-server", vx) };
    expect(hostFirewallCheck.run(ctx(wgLab)).map((f) => f.path)).toEqual([
      "hosts[0].firewall",
      "hosts[1].firewall",
      "hosts[2].firewall",
    ]);
  });

  it("refuses etcd's ports on a single server and on an agent, accepts them on three servers", () => {
    const etcd = (r: RoleSpec) => ({
      ...r,
      ports: [...(r.ports ?? []), Port.tcpRange(2379, 2380, "etcd client and peer")],
    });
    const single = hostFirewallCheck.run(ctx({ ...smallSpec, roles: presetsWith("k3s-server", etcd) }));
    expect(single.map((f) => f.message)).toEqual([expect.stringContaining("the cluster has 1 k3s server")]);
    const agents = hostFirewallCheck.run(ctx({ ...odroidLab, roles: presetsWith("k3s-agent", etcd) }));
    expect(agents.map((f) => f.path)).toEqual([
      "hosts[3].firewall",
      "hosts[4].firewall",
      "hosts[5].firewall",
      "hosts[6].firewall",
    ]);
    expect(agents[0]!.message).toContain("the host is not a k3s server");
    expect(hostFirewallCheck.run(ctx({ ...odroidLab, roles: presetsWith("k3s-server", etcd) }))).toEqual([]);
  });

  it("refuses ports labelled for Longhorn when k3s.longhorn is false, never MetalLB's (installed another way)", () => {
    const spec = {
      ...smallSpec,
      roles: presetsWith("k3s-agent", (r) => ({
        ...r,
        ports: [...(r.ports ?? []), Port.tcp(9500, "Longhorn manager")],
      })),
    };
    expect(hostFirewallCheck.run(ctx(spec))).toEqual([]);
    expect(hostFirewallCheck.run(ctx(spec, []))).toEqual([]);
    const messages = hostFirewallCheck.run(ctx({ ...spec, k3s: { longhorn: false } }, [])).map((f) => f.message);
    expect(messages).toEqual([
      'role "k3s-agent" opens 9500/tcp on host "c2" for "Longhorn manager", but k3s.longhorn is false',
      'role "k3s-agent" opens 9500/tcp on host "zippy" for "Longhorn manager", but k3s.longhorn is false',
    ]);
  });
});

describe("longhorn-prerequisites", () => {
  it("warns when Longhorn is rendered and k3s.longhorn is false, naming the release", () => {
    const findings = longhornPrerequisitesCheck.run(ctx({ ...smallSpec, k3s: { longhorn: false } }));
    expect(findings).toEqual([
      {
        check: "longhorn-prerequisites",
        severity: "warning",
        file: "dist/infrastructure/controllers/longhorn.yaml",
        object: "HelmRelease longhorn-system/longhorn",
        path: "k3s.longhorn",
        construct: "homelab/infrastructure/longhorn/HelmRelease",
        message: expect.stringContaining("the k3s nodes (c1, c2, zippy) get no open-iscsi"),
        fix: expect.stringContaining("Set k3s.longhorn to true"),
      },
    ]);
  });

  it("is quiet when the hosts get the prerequisites or Longhorn is not rendered", () => {
    expect(longhornPrerequisitesCheck.run(ctx(smallSpec))).toEqual([]);
    expect(
      longhornPrerequisitesCheck.run(ctx({ ...smallSpec, k3s: { longhorn: false } }, [release("metallb")])),
    ).toEqual([]);
  });
});
