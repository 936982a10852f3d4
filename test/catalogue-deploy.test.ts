/** Bad inputs of the deploy area (DNS zone, VPN routes, Postgres images): synth refuses each, naming the path. */
import { afterAll, describe, it } from "vitest";
import { CatalogueProject, type BadInput } from "./helpers/catalogue.js";

const CASES: readonly BadInput[] = [
  {
    name: "a DNS zone that does not hold the lab's domain",
    spec: (s) => {
      s.kubernetes.dns = { zone: "example.org" };
    },
    path: "kubernetes.dns.zone",
    message: /the domain "home\.example\.com" \(network\.domain\) is not in the zone "example\.org"/,
  },
  {
    name: "a DNS zone that is a single label",
    spec: (s) => {
      s.kubernetes.dns = { zone: "com" };
    },
    path: "kubernetes.dns.zone",
    message: /"com" is not a DNS zone/,
  },
  {
    name: "a VPN user whose allowedIps is a default route (a full tunnel belongs to the client)",
    spec: (s) => {
      s.vpn.users[0].allowedIps = ["0.0.0.0/0"];
    },
    path: "vpn.users[0].allowedIps[0]",
    message: /0\.0\.0\.0\/0 covers the default route.*tunnel: "full"/s,
  },
];

describe("catalogue: deploy", () => {
  const project = new CatalogueProject();
  afterAll(() => project.remove());
  for (const bad of CASES) it(bad.name, () => void project.expectRefused(bad));
});
