/** Where a load-balancer reservation may not be: the LAN's own network and broadcast addresses. */
import type { Cidr, Ip } from "./ip.js";
import type { ProblemCollector, SpecPath } from "./problems.js";

/** Records an error at `path` (e.g. `network.loadBalancerIps.dns`) when `ip` is the LAN's network or broadcast address. */
export function reservationAddressProblem(c: ProblemCollector, path: SpecPath, ip: Ip, lan: Cidr): void {
  if (!lan.isNetworkOrBroadcast(ip)) return;
  const which = ip.equals(lan.network) ? "network" : "broadcast";
  c.error(
    path,
    `${ip.toString()} is the ${which} address of the LAN ${lan.toString()} (network.lan); ` +
      "no Service can answer on it",
    "Reserve a host address of the MetalLB pool instead, and keep the pool off the LAN's first and last address.",
  );
}
