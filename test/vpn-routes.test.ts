/**
 * VPN routes kept apart: what the gateway routes to a peer (allowedIps: its tunnel address and networks
 * behind it, never a default route or the lab's own networks) and what a client sends through the tunnel
 * (tunnel: split or full), which goes only into the client's configuration template on the lab's page.
 */
import { describe, expect, it } from "vitest";
import { vpnClientConfigs } from "../lib/graph/vpn-clients.js";
import { Homelab } from "../lib/model/index.js";
import { lab } from "./helpers/k8s.js";
import { renderLab } from "./helpers/lab.js";

const problems = (edit: (s: any) => void) =>
  Homelab.validate(lab(edit)).problems.map((p) => `${p.path.join(".")}: ${p.message}`);

describe("VPN routes", () => {
  it("refuses a default route, the LAN or the VPN subnet as what the gateway routes to a peer", () => {
    expect(
      problems((s) => {
        s.vpn.users[0].allowedIps = ["10.8.0.2/32", "0.0.0.0/0"];
        s.vpn.users[1].allowedIps = ["192.168.0.0/16", "10.8.0.0/24"];
      }),
    ).toEqual([
      "vpn.users.0.allowedIps.1: 0.0.0.0/0 covers the default route: the gateway would route that traffic into " +
        "this one peer's tunnel (allowedIps is what the server sends to the peer: its tunnel address and networks " +
        "behind it)",
      "vpn.users.1.allowedIps.0: 192.168.0.0/16 covers the LAN 192.168.1.0/24: the gateway would route that traffic " +
        "into this one peer's tunnel (allowedIps is what the server sends to the peer: its tunnel address and " +
        "networks behind it)",
      "vpn.users.1.allowedIps.1: 10.8.0.0/24 covers the VPN subnet 10.8.0.0/24: the gateway would route that " +
        "traffic into this one peer's tunnel (allowedIps is what the server sends to the peer: its tunnel address " +
        "and networks behind it)",
    ]);
    const fix = Homelab.validate(lab((s) => (s.vpn.users[0].allowedIps = ["0.0.0.0/0"]))).problems[0]!.fix;
    expect(fix).toContain('tunnel: "full"');
  });

  it("accepts a network behind a peer, and a tunnel mode, refusing an unknown one", () => {
    expect(problems(() => {})).toEqual([]);
    expect(problems((s) => (s.vpn.users[0].tunnel = "everything"))).toEqual([
      'vpn.users.0.tunnel: "everything" is not a tunnel mode',
    ]);
    const h = Homelab.create(lab((s) => (s.vpn.users[0].tunnel = "full")));
    expect(h.vpn!.users.map((u) => [u.name, u.tunnel])).toEqual([
      ["alice", "full"],
      ["bob", "split"],
      ...h.vpn!.users.slice(2).map((u) => [u.name, "split"]),
    ]);
  });

  it("a full tunnel changes only the client's configuration, never the gateway's routes", () => {
    const full = renderLab(lab((s) => (s.vpn.users[0].tunnel = "full")));
    const split = renderLab();
    expect(full.get("dist/apps/wireguard.yaml")).toBe(split.get("dist/apps/wireguard.yaml"));
    // The gateway's config (not its NetworkPolicy, which lets anyone dial in) has no default route.
    const conf = full
      .get("dist/apps/wireguard.yaml")!
      .split("\n---\n")
      .find((d) => d.includes("wg0.conf"))!;
    expect(conf).toContain("[Interface]");
    expect(conf).not.toContain("0.0.0.0/0");
    const alice = vpnClientConfigs(Homelab.create(lab((s) => (s.vpn.users[0].tunnel = "full"))))[0]!;
    expect(alice.user).toBe("alice");
    expect(alice.text).toContain("AllowedIPs = 0.0.0.0/0");
  });
});

describe("VPN client configuration templates", () => {
  // bob disabled: he stays in the model but gets no client configuration.
  const h = Homelab.create(lab((s) => (s.vpn.users[1].enabled = false)));
  const configs = vpnClientConfigs(h);

  it("one per enabled user, with the endpoint, the tunnel address, the split routes and Pi-hole as DNS", () => {
    expect(configs.map((c) => c.user)).toEqual(
      h
        .vpn!.users.filter((u) => u.enabled)
        .map((u) => u.name)
        .sort(),
    );
    expect(configs.map((c) => c.user)).not.toContain("bob");
    expect(configs.length).toBeGreaterThan(0);
    const alice = configs.find((c) => c.user === "alice")!.text;
    expect(alice).toContain(`Endpoint = ${h.loadBalancerIps.get("wireguard")}:${h.vpn!.listenPort}`);
    expect(alice).toContain("Address = 10.8.0.2/32");
    expect(alice).toContain(`AllowedIPs = ${h.lan}, ${h.vpn!.subnet}`);
    expect(alice).toContain(`DNS = ${h.loadBalancerIps.get("pihole")}`);
  });

  it("hold public data only, and the lab's page carries them", () => {
    const page = renderLab(lab((s) => (s.vpn.users[1].enabled = false))).get("dist/README.md")!;
    for (const c of configs) expect(page).toContain(c.text);
    for (const u of h.vpn!.users) if (u.publicKey !== undefined) expect(page).not.toContain(u.publicKey);
    expect(page).toContain("PrivateKey = <private key of the device>");
  });
});
