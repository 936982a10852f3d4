/**
 * WireGuardGateway through the public API: a WireGuard server for the model's
 * enabled VPN users, at the load-balancer IP the model reserves for it.
 */
import { describe, expect, it } from "vitest";
import { homelab as example } from "./fixtures/lab/homelab.js";
import { IngressedService, WIREGUARD_IMAGE, WireGuardGateway } from "../lib/k8s/apps/index.js";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { Homelab, type HomelabSpec } from "../lib/model/index.js";
import { constructProblems, lab, one, renderApps, type Manifest } from "./helpers/k8s.js";
import { checkManifest } from "./helpers/schemas.js";

const gateway = (app: HomelabApp) => new WireGuardGateway(app.apps, "wireguard");
const render = (spec: HomelabSpec = example, build: (app: HomelabApp) => void = gateway) => renderApps(build, spec);
const problemsOf = (spec: HomelabSpec, build: (app: HomelabApp) => void = gateway) => constructProblems(build, spec);

const wgConf = (docs: Manifest[]): string => one(docs, "ConfigMap", "wireguard").data["wg0.conf"];
const CAROL_KEY_SECRET = "carol-wireguard-key";

describe("WireGuardGateway", () => {
  it("makes a ConfigMap, a Deployment and a LoadBalancer Service named after the id, in a privileged namespace of its own", () => {
    const { docs } = render();
    expect(docs.map((d) => `${d.kind}/${d.metadata.namespace ?? ""}/${d.metadata.name}`).sort()).toEqual([
      "ConfigMap/wireguard/wireguard",
      "Deployment/wireguard/wireguard",
      "Namespace//wireguard",
      "NetworkPolicy/wireguard/default-deny",
      "NetworkPolicy/wireguard/wireguard",
      "Service/wireguard/wireguard",
    ]);
    expect(one(docs, "Namespace").metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "privileged",
      "pod-security.kubernetes.io/audit": "privileged",
      "pod-security.kubernetes.io/warn": "privileged",
    });
  });

  it("listens on the model's UDP port at the model's reserved load-balancer IP, keeping client addresses", () => {
    const model = Homelab.create(example);
    const service = one(render().docs, "Service");
    expect(service.metadata.annotations).toEqual({
      "metallb.io/loadBalancerIPs": model.loadBalancerIp("wireguard").toString(),
    });
    expect(service.metadata.annotations["metallb.io/loadBalancerIPs"]).toBe("192.168.1.201");
    expect(service.spec).toEqual({
      type: "LoadBalancer",
      externalTrafficPolicy: "Local",
      selector: { "app.kubernetes.io/name": "wireguard" },
      ports: [{ name: "wireguard", port: 51820, targetPort: "wireguard", protocol: "UDP" }],
    });
  });

  it("follows the model when the reservation or the port changes", () => {
    const spec = lab((s) => {
      s.network.loadBalancerIps.wireguard = "192.168.1.210";
      s.vpn.listenPort = 51999;
    });
    const { docs } = render(spec);
    const service = one(docs, "Service");
    expect(service.metadata.annotations["metallb.io/loadBalancerIPs"]).toBe("192.168.1.210");
    expect(service.spec.ports[0].port).toBe(51999);
    expect(one(docs, "Deployment").spec.template.spec.containers[0].ports).toEqual([
      { name: "wireguard", containerPort: 51999, protocol: "UDP" },
    ]);
    expect(wgConf(docs)).toContain("ListenPort = 51999\n");

    const named = lab((s) => (s.network.loadBalancerIps.vpn = "192.168.1.205"));
    const other = one(
      render(named, (app) => new WireGuardGateway(app.apps, "wireguard", { reservation: "vpn" })).docs,
      "Service",
    );
    expect(other.metadata.annotations["metallb.io/loadBalancerIPs"]).toBe("192.168.1.205");
  });

  it("configures the tunnel from the model: server address with the subnet prefix, enabled peers with address/32 and allowed IPs", () => {
    const conf = wgConf(render().docs);
    expect(conf).toContain("[Interface]\nAddress = 10.8.0.1/24\nListenPort = 51820\n");
    expect(conf).toContain(
      "[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nAllowedIPs = 10.8.0.2/32\n",
    );
    expect(conf).toContain(
      "[Peer]\nPublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\nAllowedIPs = 10.8.0.3/32, 192.168.50.0/24\n",
    );
    expect(conf.match(/\[Peer\]/g)).toHaveLength(2);
    // Masquerading, so LAN hosts can answer tunnel clients.
    expect(conf).toContain('oifname != "%i" masquerade');

    const derived = render(lab((s) => (s.vpn.subnet = "10.8.0.0/16"))).docs;
    expect(wgConf(derived)).toContain("Address = 10.8.0.1/16\n");
  });

  it("leaves disabled users out, and rolls the pod when the peers change", () => {
    const before = render().docs;
    const after = render(lab((s) => (s.vpn.users[1].enabled = false))).docs;
    expect(wgConf(after)).not.toContain("TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=");
    expect(wgConf(after)).not.toContain("bob");
    expect(wgConf(after)).toContain("xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=");
    const hash = (docs: Manifest[]) =>
      one(docs, "Deployment").spec.template.metadata.annotations["cdk8s-homelab/config-sha256"];
    expect(hash(after)).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(after)).not.toBe(hash(before));
  });

  it("reads the server private key only from the Secret wireguard-server-key, which the user keeps SOPS-encrypted", () => {
    const { docs, warnings, text } = render();
    expect(docs.filter((d) => d.kind === "Secret")).toEqual([]);
    expect(text).not.toMatch(/PrivateKey\s*=/i);
    const pod = one(docs, "Deployment").spec.template.spec;
    expect(pod.volumes).toContainEqual({
      name: "server-key",
      secret: {
        secretName: "wireguard-server-key",
        defaultMode: 0o400,
        items: [{ key: "privateKey", path: "privateKey" }],
      },
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: "server-key",
      mountPath: "/etc/wireguard-keys/server",
      readOnly: true,
    });
    expect(wgConf(docs)).toContain("PostUp = wg set %i private-key /etc/wireguard-keys/server/privateKey\n");
    expect(warnings.filter((w) => w.includes("\n  wireguard/wireguard-server-key: "))).toHaveLength(1);
    expect(warnings[0]).toContain("apps/secrets/wireguard-wireguard-server-key.sops.yaml");
  });

  it("adds users whose public key is in a Secret from that Secret, at start", () => {
    const spec = lab((s) =>
      s.vpn.users.push({
        name: "carol",
        address: "10.8.0.4",
        publicKeySecret: CAROL_KEY_SECRET,
        allowedIps: ["10.8.0.4/32", "192.168.60.0/24"],
      }),
    );
    const { docs, warnings } = render(spec);
    const conf = wgConf(docs);
    expect(conf.match(/\[Peer\]/g)).toHaveLength(2);
    expect(conf).toContain(
      'PostUp = wg set %i peer "$(cat /etc/wireguard-keys/peers/carol/publicKey)" allowed-ips 10.8.0.4/32,192.168.60.0/24\n',
    );
    expect(conf).toContain("PostUp = ip -4 route replace 192.168.60.0/24 dev %i\n");
    const pod = one(docs, "Deployment").spec.template.spec;
    expect(pod.volumes).toContainEqual({
      name: "peer-carol",
      secret: { secretName: CAROL_KEY_SECRET, defaultMode: 0o400, items: [{ key: "publicKey", path: "publicKey" }] },
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: "peer-carol",
      mountPath: "/etc/wireguard-keys/peers/carol",
      readOnly: true,
    });
    expect(
      warnings.some((w) => w.includes(`\n  wireguard/${CAROL_KEY_SECRET}: WireGuard public key of VPN user carol`)),
    ).toBe(true);

    // A disabled user's Secret is neither mounted nor expected.
    const disabled = render(
      lab((s) =>
        s.vpn.users.push({ name: "carol", address: "10.8.0.4", publicKeySecret: CAROL_KEY_SECRET, enabled: false }),
      ),
    );
    expect(wgConf(disabled.docs)).not.toContain("carol");
    expect(disabled.warnings.some((w) => w.includes(CAROL_KEY_SECRET))).toBe(false);
  });

  it("runs as root with NET_ADMIN only (the explicit opt-out), read-only, no escalation, with IP forwarding", () => {
    const deployment = one(render().docs, "Deployment");
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(pod.containers).toHaveLength(1);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      seccompProfile: { type: "RuntimeDefault" },
      sysctls: [{ name: "net.ipv4.ip_forward", value: "1" }],
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.securityContext.privileged).toBeUndefined();
    expect(container.image).toBe(WIREGUARD_IMAGE);
    expect(container.imagePullPolicy).toBe("IfNotPresent");
    expect(container.command.join(" ")).toContain("wg-quick up /etc/wireguard/wg0.conf");
    expect(container.resources.requests).toEqual({ cpu: "10m", memory: "16Mi" });
    expect(container.resources.limits).toEqual({ memory: "64Mi" });
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("is the only privileged namespace: other apps stay restricted", () => {
    const { docs } = render(example, (app) => {
      new WireGuardGateway(app.apps, "wireguard");
      new IngressedService(app.apps, "whoami", { image: "traefik/whoami:v1.10.3", port: 80, allowLowPorts: true });
    });
    const levels = Object.fromEntries(
      docs
        .filter((d) => d.kind === "Namespace")
        .map((n) => [n.metadata.name, n.metadata.labels["pod-security.kubernetes.io/enforce"]]),
    );
    expect(levels).toEqual({ whoami: "restricted", wireguard: "privileged" });
  });

  it("names the missing reservation in the model", () => {
    const problems = problemsOf(lab((s) => delete s.network.loadBalancerIps.wireguard));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\[apps\/wireguard\] network\.loadBalancerIps\.wireguard is missing: /);
    expect(problems[0]).toContain(
      'Add loadBalancerIps: { wireguard: "<a free address in the MetalLB pool 192.168.1.200-192.168.1.220>" }',
    );
    expect(problems[0]).toContain('(reservations now: "pihole", "ingress")');
  });

  it("names the missing vpn section, and lists every problem at once", () => {
    const noVpn = problemsOf(lab((s) => delete s.vpn));
    expect(noVpn).toHaveLength(1);
    expect(noVpn[0]).toMatch(/^\[apps\/wireguard\] the homelab model has no vpn section \(vpn\): add vpn: \{ subnet:/);

    const all = problemsOf(
      lab((s) => {
        delete s.vpn;
        delete s.network.loadBalancerIps.wireguard;
      }),
      (app) => new WireGuardGateway(app.apps, "wireguard", { image: "docker.io/procustodibus/wireguard:latest" }),
    );
    expect(all).toHaveLength(3);
    expect(all.some((p) => p.includes("no vpn section (vpn)"))).toBe(true);
    expect(all.some((p) => p.includes("network.loadBalancerIps.wireguard is missing"))).toBe(true);
    expect(all.some((p) => p.includes('uses the tag "latest"'))).toBe(true);
  });

  it("renders byte-identical output run to run", () => {
    expect(render().text).toBe(render().text);
  });

  it("renders manifests that pass the upstream schemas and the project's rules", () => {
    const spec = lab((s) =>
      s.vpn.users.push({ name: "carol", address: "10.8.0.4", publicKeySecret: CAROL_KEY_SECRET }),
    );
    expect(render(spec).docs.flatMap((d) => checkManifest(d))).toEqual([]);
  });
});
