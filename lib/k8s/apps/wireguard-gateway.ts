/**
 * `WireGuardGateway`: the lab's WireGuard server, reachable from outside at the
 * load-balancer IP the model reserves for it (`network.loadBalancerIps.wireguard`)
 * on UDP `vpn.listenPort`. Its peers are the model's enabled VPN users.
 *
 * What goes into dist/ is public only: a ConfigMap with `wg0.conf` (tunnel
 * address, port, peers' public keys and allowed IPs). The server's private key
 * is read at start from the Secret `wireguard-server-key` (key `privateKey`),
 * which the user keeps SOPS-encrypted; users whose public key lives in a Secret
 * (`publicKeySecret`) are added from that Secret the same way. `wg-quick`
 * applies both with `PostUp` hooks, so no key is ever written to disk.
 *
 * Security: this is the lab's one privileged workload, alone in a namespace
 * with Pod Security `privileged`. The container runs as root (wg-quick refuses
 * anything else, and creating the interface needs it) with every capability
 * dropped except NET_ADMIN, no privilege escalation, a read-only root
 * filesystem and seccomp `RuntimeDefault`. Forwarding from the tunnel to the
 * LAN needs the pod sysctl `net.ipv4.ip_forward=1`, which Kubernetes counts as
 * unsafe: the kubelet must allow it (k3s: `--kubelet-arg=allowed-unsafe-sysctls=net.ipv4.ip_forward`),
 * or the pod is rejected with `SysctlForbidden`.
 *
 * Node requirements: the `wireguard` kernel module (Linux 5.6+), and nf_tables
 * for the masquerade rule.
 */
import { IMAGE_TAGS } from "../../versions/index.js";
import { createHash } from "node:crypto";
import { Size } from "cdk8s";
import { Cpu, k8s } from "cdk8s-plus-30";
import { Construct } from "constructs";
import { Homelab, type Ip, type Vpn, type VpnUser } from "../../model/index.js";
import {
  commonLabels,
  resourceRequirements,
  resourcesProblems,
  restrictedContainerSecurity,
  type Resources,
} from "../defaults.js";
import { Layer } from "../homelab-app.js";
import { METALLB_IPS_ANNOTATION, missingReservation } from "../infrastructure/conventions.js";
import { ensureNamespace } from "../namespace.js";
import { AppNetworkPolicy, isolateNamespace } from "../app-network-policy.js";
import { NetworkPeer } from "../network-peer.js";
import { imageProblem } from "./image.js";
import { booleanProblem, propProblem, stringProblem } from "../props.js";
import { checkResources } from "./workload-props.js";
import { isRfc1123Subdomain } from "../../model/names.js";

/**
 * The default image: Pro Custodibus' WireGuard image, Alpine with wireguard-tools (wg, wg-quick), nftables and
 * iptables, for amd64, arm64 and arm/v7, tagged by wireguard-tools version. Its own entrypoint (OpenRC) is not
 * used: the container runs `wg-quick up` directly on the mounted config, so nothing but wg-quick runs as root
 * and the root filesystem can stay read-only. (linuxserver/wireguard works too, but runs an s6 init as root
 * and generates its own keys and configs.)
 */
export const WIREGUARD_IMAGE = `docker.io/procustodibus/wireguard:${IMAGE_TAGS.wireguard}`;

/** The Secret (key `privateKey`) with the server's private key. */
export const WIREGUARD_SERVER_KEY_SECRET = "wireguard-server-key";

/** Props of a {@link WireGuardGateway}. */
export interface WireGuardGatewayProps {
  /**
   * Image with `wg-quick`, `wg`, `nft` and a POSIX shell, pinned.
   * @default WIREGUARD_IMAGE
   */
  readonly image?: string;
  /**
   * Namespace of the gateway: labelled Pod Security `privileged`, so keep nothing else in it.
   * @default the construct id
   */
  readonly namespace?: string;
  /**
   * Name of the load-balancer IP reservation in the model (`network.loadBalancerIps.<name>`).
   * @default "wireguard"
   */
  readonly reservation?: string;
  /**
   * Secret (key `privateKey`, the output of `wg genkey`) the user keeps SOPS-encrypted; registered with the layer,
   * so synth warns until `apps/secrets/<namespace>-<name>.sops.yaml` exists.
   * @default WIREGUARD_SERVER_KEY_SECRET ("wireguard-server-key")
   */
  readonly privateKeySecret?: string;
  /**
   * Masquerade tunnel traffic leaving the pod, so LAN hosts answer the gateway instead of addresses they cannot
   * route back to. Turn it off only if your router routes the VPN subnet to the cluster.
   * @default true
   */
  readonly masquerade?: boolean;
  /**
   * CPU and memory of the container (WireGuard itself runs in the kernel).
   * @default 10m CPU and 16Mi requested, memory limited to 64Mi
   */
  readonly resources?: Resources;
}

const CONFIG_DIR = "/etc/wireguard";
const CONFIG_FILE = `${CONFIG_DIR}/wg0.conf`;
const SERVER_KEY_DIR = "/etc/wireguard-keys/server";
const PEER_KEY_DIR = "/etc/wireguard-keys/peers";

/**
 * A WireGuard VPN server for the model's VPN users, behind a MetalLB LoadBalancer Service.
 *
 * @example
 * new WireGuardGateway(app.apps, "wireguard");
 * // The server key, once (clients need its public half: `wg pubkey`):
 * //   kubectl create secret generic wireguard-server-key -n wireguard --from-literal=privateKey="$(wg genkey)" \
 * //     --dry-run=client -o yaml | sops --encrypt --input-type yaml --output-type yaml /dev/stdin \
 * //     > apps/secrets/wireguard-wireguard-server-key.sops.yaml
 */
export class WireGuardGateway extends Construct {
  /** The gateway's namespace. */
  readonly namespace: string;
  /** The peers in the gateway's config: the model's enabled VPN users. */
  readonly peers: readonly VpnUser[];
  /** The load-balancer IP, when the model reserves one. */
  readonly loadBalancerIp: Ip | undefined;
  /** The Deployment, when the model has what the gateway needs. */
  readonly deployment: k8s.KubeDeployment | undefined;
  /** The LoadBalancer Service, when the model has what the gateway needs. */
  readonly service: k8s.KubeService | undefined;
  /** The ConfigMap with `wg0.conf`, when the model has what the gateway needs. */
  readonly config: k8s.KubeConfigMap | undefined;
  /**
   * The gateway's NetworkPolicy, when the model has what the gateway needs: anyone may reach the model's
   * `vpn.listenPort` over UDP (clients dial in from anywhere), and all egress is open, because the
   * gateway routes its VPN users' traffic (to the LAN, the cluster and the internet).
   */
  readonly networkPolicy: AppNetworkPolicy | undefined;

  constructor(scope: Construct, id: string, props: WireGuardGatewayProps = {}) {
    super(scope, id);
    const lab = Homelab.of(this);
    const name = id;
    // Props checked at run time (they may come from JSON or `as any`); rendered from the checked values only.
    const propProblems: string[] = [];
    const given = (key: "image" | "reservation" | "privateKeySecret" | "namespace", fallback: string): string => {
      const value: unknown = props?.[key];
      const p = value === undefined ? undefined : stringProblem(key, value);
      if (p !== undefined) propProblems.push(p);
      return p === undefined && typeof value === "string" ? value : fallback;
    };
    const image = given("image", WIREGUARD_IMAGE);
    const reservation = given("reservation", "wireguard");
    const keySecret = given("privateKeySecret", WIREGUARD_SERVER_KEY_SECRET);
    if (!isRfc1123Subdomain(keySecret))
      propProblems.push(propProblem("privateKeySecret", `"${keySecret}" is not a Secret name`));
    const masquerade = props?.masquerade ?? true;
    if (typeof masquerade !== "boolean") propProblems.push(booleanProblem("masquerade", masquerade)!);
    const resources = checkResources("resources", props?.resources, propProblems);
    this.namespace = ensureNamespace(this, given("namespace", id), "privileged");
    const vpn = lab.vpn;
    this.loadBalancerIp = lab.loadBalancerIps.get(reservation);
    // Sorted by tunnel address: the config must not depend on the order users are declared in.
    this.peers = (vpn?.users ?? []).filter((u) => u.enabled).sort((a, b) => a.address.compare(b.address));

    this.node.addValidation({
      validate: () => {
        const problems: string[] = [...propProblems, ...resourcesProblems("resources", resources)];
        if (vpn === undefined) {
          problems.push(
            'the homelab model has no vpn section (vpn): add vpn: { subnet: "10.8.0.0/24", users: [...] } to the spec; the gateway takes its tunnel address, port and peers from it',
          );
        }
        if (this.loadBalancerIp === undefined && !propProblems.some((p) => p.startsWith("props.reservation"))) {
          problems.push(
            missingReservation(
              lab,
              reservation,
              "the WireGuard gateway needs a fixed address that VPN clients (and your router's port forward) point at",
            ),
          );
        }
        const p = imageProblem(image);
        if (p !== undefined) problems.push(p);
        return problems;
      },
    });
    if (vpn === undefined || this.loadBalancerIp === undefined) {
      this.deployment = this.service = this.config = this.networkPolicy = undefined;
      return;
    }

    const layer = Layer.of(this);
    layer.expectSecret(
      this.namespace,
      keySecret,
      "WireGuard server private key: key privateKey, the output of `wg genkey`",
    );
    const keyed = this.peers.filter((u) => u.publicKey === undefined && u.publicKeySecret !== undefined);
    for (const u of keyed) {
      layer.expectSecret(
        this.namespace,
        u.publicKeySecret!,
        `WireGuard public key of VPN user ${u.name}: key publicKey`,
      );
    }

    const labels = { "app.kubernetes.io/name": name, ...commonLabels(lab.name) };
    const selector = { "app.kubernetes.io/name": name };
    const metadata = { name, namespace: this.namespace, labels };
    const conf = wgConfig(vpn, this.peers, masquerade === true);

    this.config = new k8s.KubeConfigMap(this, "config", { metadata, data: { "wg0.conf": conf } });
    isolateNamespace(this, this.namespace);
    this.networkPolicy = new AppNetworkPolicy(this, "network-policy", {
      name,
      namespace: this.namespace,
      labelValue: name,
      labels,
    });
    this.networkPolicy.allowIngress(NetworkPeer.anywhere(), [{ port: vpn.listenPort, protocol: "UDP" }]);
    this.networkPolicy.allowEgress(NetworkPeer.anyone());

    const volumes: k8s.Volume[] = [
      { name: "config", configMap: { name, defaultMode: 0o400 } },
      {
        name: "server-key",
        secret: { secretName: keySecret, defaultMode: 0o400, items: [{ key: "privateKey", path: "privateKey" }] },
      },
      ...keyed.map((u) => ({
        name: peerVolume(u),
        secret: {
          secretName: u.publicKeySecret!,
          defaultMode: 0o400,
          items: [{ key: "publicKey", path: "publicKey" }],
        },
      })),
      { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: k8s.Quantity.fromString("16Mi") } },
    ];
    const volumeMounts: k8s.VolumeMount[] = [
      { name: "config", mountPath: CONFIG_DIR, readOnly: true },
      { name: "server-key", mountPath: SERVER_KEY_DIR, readOnly: true },
      ...keyed.map((u) => ({ name: peerVolume(u), mountPath: `${PEER_KEY_DIR}/${u.name}`, readOnly: true })),
      { name: "tmp", mountPath: "/tmp" },
    ];
    const script = [
      "set -e",
      `wg-quick up ${CONFIG_FILE}`,
      `trap 'wg-quick down ${CONFIG_FILE}; exit 0' TERM INT`,
      "while true; do sleep 3600 & wait $!; done",
    ].join("\n");

    this.deployment = new k8s.KubeDeployment(this, "deployment", {
      metadata,
      spec: {
        replicas: 1,
        revisionHistoryLimit: 3,
        // One gateway at a time: the old pod goes before the new one takes the port.
        strategy: { type: "Recreate" },
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: { ...labels },
            // wg-quick reads its config once: a changed config rolls the pod.
            annotations: { "cdk8s-homelab/config-sha256": createHash("sha256").update(conf).digest("hex") },
          },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 10,
            securityContext: {
              // Explicit opt-out: wg-quick runs only as root; the capabilities below are all it keeps.
              runAsNonRoot: false,
              runAsUser: 0,
              runAsGroup: 0,
              seccompProfile: { type: "RuntimeDefault" },
              // Unsafe (not namespaced-safe by Kubernetes' list): the kubelet must allow it.
              sysctls: [{ name: "net.ipv4.ip_forward", value: "1" }],
            },
            containers: [
              {
                name: "wireguard",
                image,
                imagePullPolicy: "IfNotPresent",
                command: ["/bin/sh", "-c", script],
                ports: [{ name: "wireguard", containerPort: vpn.listenPort, protocol: "UDP" }],
                resources: resourceRequirements(resources ?? { cpu: Cpu.millis(10), memory: Size.mebibytes(16) }),
                securityContext: restrictedContainerSecurity({
                  runAsNonRoot: false,
                  runAsUser: 0,
                  runAsGroup: 0,
                  capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] },
                }),
                readinessProbe: { exec: { command: ["wg", "show", "wg0"] }, periodSeconds: 10, failureThreshold: 3 },
                livenessProbe: { exec: { command: ["wg", "show", "wg0"] }, periodSeconds: 30, failureThreshold: 3 },
                volumeMounts,
              },
            ],
            volumes,
          },
        },
      },
    });

    this.service = new k8s.KubeService(this, "service", {
      metadata: { ...metadata, annotations: { [METALLB_IPS_ANNOTATION]: this.loadBalancerIp.toString() } },
      spec: {
        type: "LoadBalancer",
        // Only the node running the gateway answers, and clients' source addresses are kept (WireGuard roams by them).
        externalTrafficPolicy: "Local",
        selector,
        ports: [
          {
            name: "wireguard",
            port: vpn.listenPort,
            targetPort: k8s.IntOrString.fromString("wireguard"),
            protocol: "UDP",
          },
        ],
      },
    });
  }
}

/** Volume name of a peer's public-key Secret. */
function peerVolume(u: VpnUser): string {
  return `peer-${u.name}`.slice(0, 63).replace(/-+$/, "");
}

/** The peer's AllowedIPs on the server: its tunnel address /32, then the model's allowedIps, without repeats. */
function allowedIps(u: VpnUser): string[] {
  return [...new Set([`${u.address.toString()}/32`, ...u.allowedIps.map((c) => c.toString())])];
}

/**
 * `wg0.conf` for wg-quick: public information only. The private key and secret-held public keys are applied by
 * PostUp hooks from the mounted Secrets.
 */
export function wgConfig(vpn: Vpn, peers: readonly VpnUser[], masquerade: boolean): string {
  const subnet = vpn.subnet.toString();
  const lines = [
    "# Generated by cdk8s-homelab from the homelab model: public keys only. The private key comes from a Secret.",
    "[Interface]",
    `Address = ${vpn.serverAddress.toString()}/${vpn.subnet.prefix}`,
    `ListenPort = ${vpn.listenPort}`,
    `PostUp = wg set %i private-key ${SERVER_KEY_DIR}/privateKey`,
  ];
  if (masquerade) {
    lines.push(
      "PostUp = nft add table ip wireguard",
      "PostUp = nft 'add chain ip wireguard postrouting { type nat hook postrouting priority srcnat; }'",
      `PostUp = nft 'add rule ip wireguard postrouting ip saddr ${subnet} oifname != "%i" masquerade'`,
      "PostDown = nft delete table ip wireguard",
    );
  }
  for (const u of peers) {
    if (u.publicKey !== undefined || u.publicKeySecret === undefined) continue;
    lines.push(
      `PostUp = wg set %i peer "$(cat ${PEER_KEY_DIR}/${u.name}/publicKey)" allowed-ips ${allowedIps(u).join(",")}`,
    );
    // wg-quick routes only the allowed IPs of peers in the file; route this peer's networks outside the subnet here.
    for (const c of u.allowedIps.filter((c) => !vpn.subnet.contains(c.network)))
      lines.push(`PostUp = ip -4 route replace ${c.toString()} dev %i`);
  }
  for (const u of peers) {
    if (u.publicKey === undefined) continue;
    lines.push(
      "",
      `# ${u.name} (${u.group})`,
      "[Peer]",
      `PublicKey = ${u.publicKey}`,
      `AllowedIPs = ${allowedIps(u).join(", ")}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
