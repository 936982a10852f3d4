/**
 * Generated labs for the benchmark: `hosts` NixOS hosts (k3s: one cluster-init
 * server, two more servers from 30 hosts on, the rest agents) and `apps` apps,
 * IngressedService and PostgresApp alternating, on the full infrastructure.
 */
import { Size } from "cdk8s";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { IngressedService, PostgresApp } from "../lib/k8s/apps/index.js";
import { addInfrastructure } from "../lib/k8s/infrastructure/index.js";
import type { HomelabSpec, HostSpec } from "../lib/model/index.js";

/** The spec of a lab with `hosts` hosts on a /16. */
export function benchSpec(hosts: number): HomelabSpec {
  const servers = hosts >= 30 ? 3 : 1;
  const list: HostSpec[] = Array.from({ length: hosts }, (_, i) => {
    const server = i < servers;
    return {
      hostname: `node${String(i).padStart(3, "0")}`,
      address: `10.0.${1 + Math.floor(i / 240)}.${10 + (i % 240)}`,
      architecture: i % 2 === 0 ? "x86_64-linux" : "aarch64-linux",
      disk: { device: "/dev/nvme0n1", ...(server ? {} : { longhorn: { device: "/dev/sda" } }) },
      tags: [server ? "server" : "agent"],
      roles: ["minimal-node", server ? "k3s-server" : "k3s-agent"],
      ...(i === 0 ? { clusterInit: true } : {}),
    };
  });
  return {
    name: "bench",
    network: {
      domain: "bench.example.com",
      lan: "10.0.0.0/16",
      gateway: "10.0.0.1",
      metallbPool: "10.0.200.0-10.0.200.255",
      loadBalancerIps: { pihole: "10.0.200.1", wireguard: "10.0.200.2", ingress: "10.0.200.3" },
    },
    hosts: list,
    vpn: {
      subnet: "10.8.0.0/24",
      users: [
        { name: "alice", address: "10.8.0.2", publicKey: "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=" },
        { name: "bob", address: "10.8.0.3", publicKey: "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=" },
      ],
    },
    kubernetes: {
      flux: { url: "https://github.com/example/bench" },
      certificates: { acmeEmail: "admin@example.com" },
    },
  };
}

/** Builds the infrastructure and `apps` apps. */
export function benchKubernetes(apps: number): (app: HomelabApp) => void {
  return (app) => {
    addInfrastructure(app);
    for (let i = 0; i < apps; i++) {
      const id = `app${String(i).padStart(4, "0")}`;
      if (i % 2 === 0) {
        new IngressedService(app.apps, id, {
          image: "ghcr.io/example/web:1.4.2",
          port: 8080,
          env: { LOG_LEVEL: "info" },
          storage: i % 4 === 0 ? { size: Size.gibibytes(1), mountPath: "/data" } : undefined,
        });
      } else {
        new PostgresApp(app.apps, id, {
          image: "ghcr.io/example/api:2.0.1",
          port: 3000,
          ingress: { subdomain: id },
        });
      }
    }
  };
}
