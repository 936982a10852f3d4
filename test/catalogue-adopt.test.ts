/**
 * Bad inputs around adopting an existing lab (issue 10): key references, the vars.nix shape and its facts,
 * DHCP hosts, and a construct's reservation prop naming no reservation. Each is refused with its spec path and
 * a fix, nothing written.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { addInfrastructure } from "../lib/k8s/index.js";
import { CatalogueProject } from "./helpers/catalogue.js";

/** The first VPN user keeps its public key under `ref` instead of inline. */
const keyRef = (ref: unknown) => (s: any) => {
  delete s.vpn.users[0].publicKey;
  s.vpn.users[0].publicKeySecret = ref;
};

describe("catalogue: adopting a lab", () => {
  let project: CatalogueProject;
  beforeAll(() => {
    project = new CatalogueProject();
  });
  afterAll(() => project.remove());

  it("a sops-nix key name given as a Kubernetes Secret name", () => {
    project.expectRefused({
      name: "sops key as Secret name",
      spec: keyRef("alice_wg_public_key"),
      path: "vpn.users[0].publicKeySecret",
      message: /"alice_wg_public_key" is not a Kubernetes Secret name.*say so: \{ sops: "alice_wg_public_key" \}/s,
    });
  });

  it("two SOPS keys that derive the same Secret name", () => {
    project.expectRefused({
      name: "colliding SOPS keys",
      spec: (s) => {
        keyRef({ sops: "wg_key" })(s);
        delete s.vpn.users[1].publicKey;
        s.vpn.users[1].publicKeySecret = { sops: "WG-key" };
      },
      path: "vpn.users[1].publicKeySecret",
      message: /needs the Kubernetes Secret "wg-key", which vpn\.users\[0\]\.publicKeySecret .*Rename one of the keys/s,
    });
  });

  it("a key reference of an unknown kind", () => {
    project.expectRefused({
      name: "unknown key reference",
      spec: keyRef({ vault: "alice" }),
      path: "vpn.users[0].publicKeySecret",
      message: /must be a Secret name or \{ sops: "<key>" \}.*Write \{ sops: "alice_wg_public_key" \}/s,
    });
  });

  it("a SOPS key with a space", () => {
    project.expectRefused({
      name: "SOPS key with a space",
      spec: keyRef({ sops: "alice key" }),
      path: "vpn.users[0].publicKeySecret.sops",
      message: /"alice key" is not a SOPS key name.*without spaces/s,
    });
  });

  it("a vars.nix preset that does not exist", () => {
    project.expectRefused({
      name: "unknown preset",
      spec: (s) => void (s.nix = { vars: "nixops" }),
      path: "nix.vars",
      message: /must be one of "default", "nixlab", got "nixops".*vars` mapping function/s,
    });
  });

  it("a fact named like a reservation's attribute", () => {
    project.expectRefused({
      name: "fact shadows ingressIp",
      spec: (s) => void (s.nix = { facts: { ingressIp: "192.168.1.9" } }),
      path: "nix.facts.ingressIp",
      message: /vars\.nix already has "ingressIp".*change the model's value instead/s,
    });
  });

  it("a fact Nix cannot hold (a fraction, null)", () => {
    project.expectRefused({
      name: "fractional fact",
      spec: (s) => void (s.nix = { facts: { ssh: { port: 22.5 }, shell: null } }),
      path: "nix.facts.ssh.port",
      message: /number 22\.5 is not a whole number.*nix\.facts\.shell: null cannot go into vars\.nix/s,
    });
  });

  it("a static host without an address", () => {
    project.expectRefused({
      name: "no address",
      spec: (s) => void delete s.hosts[1].address,
      path: "hosts[1].address",
      message: /is missing: a host has a static LAN address unless it says addressing: "dhcp".*network\.hostNames/s,
    });
  });

  it("an addressing that does not exist", () => {
    project.expectRefused({
      name: "addressing typo",
      spec: (s) => void (s.hosts[1].addressing = "dchp"),
      path: "hosts[1].addressing",
      message: /must be "static" or "dhcp", got "dchp"/,
    });
  });

  it("a host name resolution that does not exist", () => {
    project.expectRefused({
      name: "hostNames typo",
      spec: (s) => void (s.network.hostNames = "bonjour"),
      path: "network.hostNames",
      message: /must be "mdns" or "domain", got "bonjour".*<hostname>\.local/s,
    });
  });

  it("the ingress controller on a reservation the lab does not have", () => {
    project.expectRefused({
      name: "reservation prop names nothing",
      kubernetes: (app) => void addInfrastructure(app, { ingressController: { reservation: "nginx" } }),
      path: "network.loadBalancerIps.nginx",
      message: /network\.loadBalancerIps\.nginx is missing.*Add loadBalancerIps: \{ nginx: /s,
    });
  });
});
