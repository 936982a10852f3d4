/**
 * Each enabled VPN user's WireGuard client configuration, as a template of public data only: the
 * endpoint (the `wireguard` reservation and the listen port), the user's tunnel address, what the
 * client sends through the tunnel (split: the LAN and the VPN subnet; full: everything) and the
 * lab's DNS (Pi-hole's reservation). The private key and the server's public key stay placeholders.
 */
import type { Homelab } from "../model/index.js";

/** One user's client configuration template. */
export interface VpnClientConfig {
  readonly user: string;
  /** The `wg-quick` configuration text, with placeholders for the keys. */
  readonly text: string;
}

/** The client configuration template of every enabled VPN user, by name. Pure. */
export function vpnClientConfigs(homelab: Homelab): VpnClientConfig[] {
  const vpn = homelab.vpn;
  if (vpn === undefined) return [];
  const endpoint = homelab.loadBalancerIps.get("wireguard");
  const dns = homelab.loadBalancerIps.get("pihole");
  return vpn.users
    .filter((u) => u.enabled)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((u) => {
      const allowed = u.tunnel === "full" ? ["0.0.0.0/0"] : [homelab.lan.toString(), vpn.subnet.toString()];
      const text = [
        "[Interface]",
        `# ${u.name}: paste the private key of this device (wg genkey); it never leaves the device`,
        "PrivateKey = <private key of the device>",
        `Address = ${u.address.toString()}/32`,
        ...(dns === undefined ? [] : [`DNS = ${dns.toString()}`]),
        "",
        "[Peer]",
        "# the gateway: wg pubkey of its private key (Secret wireguard/wireguard-server-key)",
        "PublicKey = <public key of the gateway>",
        endpoint === undefined
          ? "Endpoint = <public address of the gateway>:" + vpn.listenPort
          : `Endpoint = ${endpoint.toString()}:${vpn.listenPort}`,
        `AllowedIPs = ${allowed.join(", ")}`,
        "PersistentKeepalive = 25",
      ].join("\n");
      return { user: u.name, text };
    });
}

/** The page's section of client configurations (Markdown), or nothing when the lab has no enabled VPN user. */
export function vpnClientSection(homelab: Homelab): string[] {
  const configs = vpnClientConfigs(homelab);
  if (configs.length === 0) return [];
  const endpoint = homelab.loadBalancerIps.get("wireguard");
  return [
    "## VPN client configurations",
    "",
    "Templates with public data only: fill in the device's private key and the gateway's public key." +
      (endpoint === undefined
        ? ""
        : ` The endpoint is the gateway's LAN address; from outside, use the public name or address that` +
          ` forwards UDP ${homelab.vpn!.listenPort} to it.`),
    "",
    ...configs.flatMap((c) => [`### ${c.user}`, "", "```ini", c.text, "```", ""]),
  ];
}
