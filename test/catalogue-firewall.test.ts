/**
 * Bad inputs around the hosts' side of the cluster: firewalls that miss what the cluster needs or open ports
 * for a feature that is off (the host-firewall check), and k3s/interface settings the model refuses.
 */
import { ApiObject } from "cdk8s";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { Port, type RoleSpec, rolePresets } from "../lib/model/index.js";
import { CatalogueProject } from "./helpers/catalogue.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";

/** The presets, with the role `name` changed by `edit`. */
function presetsWith(name: string, edit: (r: RoleSpec) => RoleSpec): RoleSpec[] {
  return rolePresets.map((r) => (r.name === name ? edit(r) : r));
}

const without = (port: number) => (r: RoleSpec) => ({ ...r, ports: (r.ports ?? []).filter((p) => p.from !== port) });
const adding =
  (...ports: RoleSpec["ports"][]) =>
  (r: RoleSpec) => ({
    ...r,
    ports: [...(r.ports ?? []), ...ports.flatMap((p) => p ?? [])],
  });

describe("catalogue: hosts' firewalls and the k3s host side", () => {
  let project: CatalogueProject;
  beforeAll(() => {
    project = new CatalogueProject();
  });
  afterAll(() => project.remove());

  it("a custom k3s-server role without the Kubernetes API port", () => {
    project.expectRefused({
      name: "k3s-server without 6443",
      spec: (s) => void (s.roles = presetsWith("k3s-server", without(6443))),
      path: "hosts[0].firewall",
      message: /\[host-firewall\].*host "node1" does not open 6443\/tcp \(Kubernetes API\).*Port\.tcp\(6443/,
    });
  });

  it("a custom k3s-agent role without the kubelet port", () => {
    project.expectRefused({
      name: "k3s-agent without 10250",
      spec: (s) => void (s.roles = presetsWith("k3s-agent", without(10250))),
      path: "hosts[1].firewall",
      message: /host "node2" does not open 10250\/tcp \(kubelet metrics and exec\)/,
    });
  });

  it("51820/udp labelled flannel WireGuard while flannel runs VXLAN", () => {
    project.expectRefused({
      name: "flannel WireGuard port with the vxlan backend",
      spec: (s) => void (s.roles = presetsWith("k3s-agent", adding([Port.udp(51820, "flannel WireGuard")]))),
      path: "hosts[1].firewall",
      message:
        /role "k3s-agent" opens 51820\/udp on host "node2" for "flannel WireGuard", but k3s\.flannelBackend is "vxlan"/,
    });
  });

  it("etcd's peer ports on the only server", () => {
    project.expectRefused({
      name: "etcd ports with one server",
      spec: (s) =>
        void (s.roles = presetsWith("k3s-server", adding([Port.tcpRange(2379, 2380, "etcd client and peer")]))),
      path: "hosts[0].firewall",
      message: /opens 2379-2380\/tcp on host "node1" .* the cluster has 1 k3s server/,
    });
  });

  it("node_exporter closed on a host a rendered scrape config names", () => {
    project.expectRefused({
      name: "scraped host without 9100",
      spec: (s) => void (s.roles = presetsWith("minimal-node", without(9100))),
      kubernetes: (app: HomelabApp) => {
        defineKubernetes(app);
        new ApiObject(app.apps, "node-scrape", {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "node-scrape", namespace: "default" },
          data: { "targets.yaml": "- targets: ['192.168.1.13:9100']\n" },
        });
      },
      path: "hosts[2].firewall",
      message: /host "node3" does not open 9100\/tcp .*a rendered scrape target names node3:9100/,
    });
  });

  it("a pod network that overlaps the LAN", () => {
    project.expectRefused({
      name: "k3s.clusterCidr over the LAN",
      spec: (s) => void (s.k3s = { clusterCidr: "192.168.0.0/16" }),
      path: "k3s.clusterCidr",
      message: /the pod network 192\.168\.0\.0\/16 overlaps 192\.168\.1\.0\/24 \(network\.lan\)/,
    });
  });

  it("a flannel backend the library does not set up", () => {
    project.expectRefused({
      name: "k3s.flannelBackend host-gw",
      spec: (s) => void (s.k3s = { flannelBackend: "host-gw" }),
      path: "k3s.flannelBackend",
      message: /"host-gw" is not a flannel backend.*"wireguard-native"/,
    });
  });

  it("an interface name Linux cannot have", () => {
    project.expectRefused({
      name: "hosts[0].interface with a slash",
      spec: (s) => void (s.hosts[0].interface = "eth0/1"),
      path: "hosts[0].interface",
      message: /"eth0\/1" is not a network interface name/,
    });
  });
});
