/**
 * The example homelab: three NixOS hosts running k3s (one cluster-init server,
 * two agents with Longhorn data disks), a MetalLB pool with reservations for
 * Pi-hole, WireGuard and the ingress controller, and two VPN users.
 *
 * This is the one place where addresses, host names and the domain are
 * written down. Copy this folder to start your own lab.
 */
import type { HomelabSpec } from "cdk8s-homelab/model";

export const homelab: HomelabSpec = {
  name: "homelab",
  network: {
    domain: "home.example.com",
    lan: "192.168.1.0/24",
    gateway: "192.168.1.1",
    upstreamDns: ["1.1.1.1", "9.9.9.9"],
    metallbPool: "192.168.1.200-192.168.1.220",
    loadBalancerIps: {
      pihole: "192.168.1.200",
      wireguard: "192.168.1.201",
      ingress: "192.168.1.202",
    },
  },
  hosts: [
    {
      hostname: "node1",
      address: "192.168.1.11",
      mac: "dc:a6:32:00:00:01",
      interface: "eno1",
      architecture: "x86_64-linux",
      disk: { device: "/dev/nvme0n1", espSize: "512M" },
      tags: ["thinkcentre"],
      roles: ["minimal-node", "cluster-tools", "k3s-server"],
      clusterInit: true,
    },
    {
      hostname: "node2",
      address: "192.168.1.12",
      mac: "dc:a6:32:00:00:02",
      architecture: "x86_64-linux",
      disk: { device: "/dev/nvme0n1", espSize: "512M", longhorn: { device: "/dev/sda" } },
      tags: ["thinkcentre", "longhorn"],
      roles: ["minimal-node", "k3s-agent"],
    },
    {
      hostname: "node3",
      address: "192.168.1.13",
      mac: "00:1e:06:00:00:03",
      interface: "end0",
      architecture: "aarch64-linux",
      disk: { device: "/dev/mmcblk0", espSize: "256M", longhorn: { device: "/dev/sda" } },
      tags: ["odroid-c4", "longhorn"],
      roles: ["minimal-node", "k3s-agent"],
    },
  ],
  vpn: {
    subnet: "10.8.0.0/24",
    users: [
      {
        name: "alice",
        address: "10.8.0.2",
        publicKey: "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=",
        group: "admins",
      },
      {
        name: "bob",
        address: "10.8.0.3",
        publicKey: "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=",
        // The gateway routes bob's tunnel address and his site's LAN to him; his client sends everything
        // through the tunnel (tunnel: "full" goes into his client configuration only).
        allowedIps: ["10.8.0.3/32", "192.168.50.0/24"],
        tunnel: "full",
        group: "family",
      },
    ],
  },
  nix: { rolesDir: "roles" },
  kubernetes: {
    ingressController: "traefik",
    storageClass: "longhorn",
    flux: { url: "ssh://git@github.com/example/homelab", branch: "main", interval: "10m", path: "./dist" },
    certificates: { acmeEmail: "admin@example.com", acmeServer: "production" },
    // The Cloudflare zone holds example.com; the lab lives under home.example.com.
    dns: { zone: "example.com" },
  },
};
