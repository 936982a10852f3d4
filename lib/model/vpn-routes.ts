/**
 * What the VPN routes where. Two different things, kept apart in the model:
 * - the server side (`vpn.users[].allowedIps`): the addresses the gateway routes *to* a peer, its
 *   tunnel address and any network behind it. A default route here (`0.0.0.0/0`) would send the
 *   gateway pod's own traffic into one client's tunnel;
 * - the client side (`vpn.users[].tunnel`): what the client sends *through* the tunnel, the LAN and
 *   the VPN subnet (split tunnel) or everything (full tunnel). It lives in the client's config only.
 */
import type { Cidr } from "./ip.js";
import { describeValue, type ProblemCollector, type SpecPath } from "./problems.js";

/** What a VPN client sends through the tunnel. */
export type VpnTunnel = "split" | "full";

/** Validates a user's `tunnel` (at `path`); the default is "split". */
export function validateTunnel(c: ProblemCollector, path: SpecPath, value: unknown): VpnTunnel {
  if (value === undefined || value === "split" || value === "full") return value ?? "split";
  c.error(
    path,
    `${describeValue(value)} is not a tunnel mode`,
    'Use "split" (the LAN and the VPN) or "full" (everything).',
  );
  return "split";
}

/**
 * Reports server-side routes (`allowedIps`, at `path`) that cover the gateway's own networks: the
 * default route, the LAN or the VPN subnet. Those belong to the client's side (`tunnel`).
 */
export function serverRouteProblems(
  c: ProblemCollector,
  path: SpecPath,
  allowedIps: readonly Cidr[],
  networks: { readonly lan: Cidr | undefined; readonly subnet: Cidr | undefined },
): void {
  allowedIps.forEach((cidr, j) => {
    const covered = [
      ...(networks.lan !== undefined && cidr.toRange().contains(networks.lan.toRange().first)
        ? [`the LAN ${networks.lan.toString()}`]
        : []),
      ...(networks.subnet !== undefined && cidr.toRange().contains(networks.subnet.toRange().first)
        ? [`the VPN subnet ${networks.subnet.toString()}`]
        : []),
    ];
    if (cidr.prefix !== 0 && covered.length === 0) return;
    const what = cidr.prefix === 0 ? "the default route" : covered.join(" and ");
    c.error(
      [...path, j],
      `${cidr.toString()} covers ${what}: the gateway would route that traffic into this one peer's tunnel ` +
        "(allowedIps is what the server sends to the peer: its tunnel address and networks behind it)",
      'Remove it. For a client that sends all its traffic through the VPN, set tunnel: "full" on the user; ' +
        "that goes into the client's configuration only.",
    );
  });
}
