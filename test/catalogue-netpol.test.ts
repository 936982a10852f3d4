/**
 * The catalogue's network policy cases: extra allowances (`allowEgress` / `allowIngress`) a user could get
 * wrong, refused by synth with exit 1, the prop's path, the fix, no stack trace and nothing written.
 */
import { afterAll, describe, it } from "vitest";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { NetworkPeer, type PostgresAppProps, WireGuardGateway, addInfrastructure } from "../lib/k8s/index.js";
import { nextcloud } from "./fixtures/lab/nextcloud.js";
import { CatalogueProject } from "./helpers/catalogue.js";

const project = new CatalogueProject();
afterAll(() => project.remove());

/** The fixture lab with Nextcloud's props changed. */
const withNextcloud =
  (overrides: Partial<PostgresAppProps>) =>
  (app: HomelabApp): void => {
    addInfrastructure(app);
    nextcloud(app, overrides);
    new WireGuardGateway(app.apps, "wireguard");
  };

describe("the catalogue: network policies", () => {
  const cases: Parameters<CatalogueProject["expectRefused"]>[0][] = [
    {
      name: "a peer written as a string instead of a NetworkPeer",
      kubernetes: withNextcloud({ allowEgress: [{ to: "internet" as any, ports: [443] }] }),
      path: "allowEgress[0].to",
      message: /must be a NetworkPeer \(NetworkPeer\.internet\(\), .*got "internet"/,
    },
    {
      name: "a CIDR block with host bits set",
      kubernetes: withNextcloud({ allowEgress: [{ to: NetworkPeer.cidr("192.168.1.50/24"), ports: [2049] }] }),
      path: "allowEgress[0].to",
      message: /NetworkPeer\.cidr: "192\.168\.1\.50\/24" has host bits set; the block is "192\.168\.1\.0\/24"/,
    },
    {
      name: "a port out of range",
      kubernetes: withNextcloud({ allowIngress: [{ from: NetworkPeer.lan(), ports: [70000] }] }),
      path: "allowIngress[0].ports[0]",
      message: /70000 is not a port; use a whole number from 1 to 65535/,
    },
    {
      name: "a protocol Kubernetes does not know here",
      kubernetes: withNextcloud({
        allowEgress: [{ to: NetworkPeer.internet(), ports: [443], protocol: "QUIC" as any }],
      }),
      path: "allowEgress[0].protocol",
      message: /"QUIC" is not "TCP" or "UDP"/,
    },
  ];
  for (const bad of cases) it(bad.name, () => void project.expectRefused(bad));
});
