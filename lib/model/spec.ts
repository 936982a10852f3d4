/**
 * The homelab as the user writes it: plain, typed data. Every field is checked
 * again at run time by {@link validate}, because specs may also come from JSON
 * or YAML. Addresses are strings here (as they are in `vars.nix`); the
 * validated {@link Homelab} exposes them as {@link Ip} / {@link Cidr} values.
 */

/** NixOS system double of a host. */
export type Architecture = "x86_64-linux" | "aarch64-linux";

/** What a role means for the cluster. */
export type ClusterFunction =
  | "k3s-server"
  | "k3s-agent"
  | "nomad-server"
  | "nomad-client"
  | "storage-server"
  | "storage-standby"
  | "none";

/** A firewall opening: one port (`from === to`) or an inclusive range. */
export interface PortSpec {
  /** Transport protocol. */
  readonly protocol: "tcp" | "udp";
  /** First port, 1-65535. */
  readonly from: number;
  /** Last port, inclusive; equal to `from` for a single port. */
  readonly to: number;
  /**
   * What the port is for, printed in errors and docs.
   * @default "" - no description
   */
  readonly description?: string;
}

/** A role: a NixOS module a host imports, the roles it builds on and the ports it opens. */
export interface RoleSpec {
  /** Name hosts refer to, e.g. `k3s-server`. Lowercase letters, digits and `-`. */
  readonly name: string;
  /**
   * The NixOS module file, relative to the roles folder ({@link NixSpec.rolesDir}), e.g. `k3s-server.nix`.
   * @default `<name>.nix`
   */
  readonly module?: string;
  /**
   * Roles a host must also have for this one to work (imported first).
   * @default [] - no requirements
   */
  readonly requires?: readonly string[];
  /**
   * Ports this role opens in the host firewall.
   * @default [] - none
   */
  readonly ports?: readonly PortSpec[];
  /**
   * What the role means for the cluster.
   * @default "none"
   */
  readonly cluster?: ClusterFunction;
  /**
   * One line on what the role does, for docs.
   * @default "" - no description
   */
  readonly description?: string;
}

/** Disk layout facts a NixOS install (disko) needs. */
export interface DiskSpec {
  /** System disk device, e.g. `/dev/nvme0n1` or `/dev/disk/by-id/...`. */
  readonly device: string;
  /**
   * EFI system partition size in disko's notation (`512M`, `1G`).
   * @default "512M"
   */
  readonly espSize?: string;
  /**
   * A dedicated data disk for Longhorn volumes.
   * @default undefined - Longhorn (if used) stores volumes on the system disk
   */
  readonly longhorn?: {
    /** Data disk device, e.g. `/dev/sda`. */
    readonly device: string;
    /**
     * Where the disk is mounted; Longhorn's default data path.
     * @default "/var/lib/longhorn"
     */
    readonly mountPoint?: string;
  };
}

/** What a host's hardware gives the cluster, for the checks that compare it with what the lab asks for. */
export interface HardwareSpec {
  /**
   * CPU cores.
   * @default undefined - unknown
   */
  readonly cores?: number;
  /**
   * Memory, as a whole number of K, M, G or T in binary units (as disko reads sizes), e.g. `"4G"`
   * for an Odroid C4 board.
   * @default undefined - unknown: the memory check leaves the lab alone unless every node says
   */
  readonly memory?: string;
}

/** A NixOS host. */
export interface HostSpec {
  /** Host name: a lowercase DNS label (`a-z`, `0-9`, `-`, at most 63 characters). */
  readonly hostname: string;
  /**
   * LAN IPv4 address, inside {@link NetworkSpec.lan}: the static address, or for a DHCP host the address its
   * lease gives it, when known.
   * @default undefined - only with `addressing: "dhcp"`: the host is reached by name ({@link NetworkSpec.hostNames})
   */
  readonly address?: string;
  /**
   * Where the host's LAN address comes from: `"static"` (written in {@link address}, configured by the role
   * modules) or `"dhcp"` (the LAN's DHCP server; the host is reached by its name, `<hostname>.local` over mDNS
   * or `<hostname>.<domain>`, see {@link NetworkSpec.hostNames}).
   * @default "static"
   */
  readonly addressing?: Addressing;
  /**
   * MAC address of the LAN interface (for DHCP reservations and wake-on-LAN).
   * @default undefined - emitted as `null`
   */
  readonly mac?: string;
  /**
   * NixOS system double.
   * @default "x86_64-linux"
   */
  readonly architecture?: Architecture;
  /**
   * System disk facts.
   * @default undefined - emitted as `disk = null`
   */
  readonly disk?: DiskSpec;
  /**
   * Free-form labels (`["odroid", "rack-1"]`).
   * @default []
   */
  readonly tags?: readonly string[];
  /** Names of the roles the host has (presets or {@link HomelabSpec.roles}). */
  readonly roles: readonly string[];
  /**
   * True for the one k3s server that initialises the cluster (`--cluster-init`); emitted as `master`.
   * @default false - unless it is the only k3s server, which is the cluster-init server
   */
  readonly clusterInit?: boolean;
  /**
   * What the host's hardware gives the cluster (cores, memory), e.g. `{ cores: 4, memory: "4G" }`.
   * @default undefined - unknown
   */
  readonly hardware?: HardwareSpec;
  /**
   * Name of the LAN network interface that gets the static {@link address}, e.g. `enp1s0` or `end0`
   * (see `ip link` on the host). DHCP stays off on it.
   * @default undefined - `eth0` with kernel interface names (`networking.usePredictableInterfaceNames = false`),
   *   which is the one NIC of a host that has one; name the interface on a host with several
   */
  readonly interface?: string;
}

/** The LAN, its DNS and the MetalLB pool. */
export interface NetworkSpec {
  /** The lab's DNS domain; apps live at `<sub>.<domain>`. */
  readonly domain: string;
  /** LAN CIDR block, e.g. `192.168.1.0/24`. */
  readonly lan: string;
  /** Default gateway, inside the LAN. */
  readonly gateway: string;
  /**
   * Upstream DNS resolvers (Pi-hole forwards to these).
   * @default ["1.1.1.1", "9.9.9.9"]
   */
  readonly upstreamDns?: readonly string[];
  /**
   * MetalLB pool: a CIDR block or address ranges (`192.168.1.200-192.168.1.220`), inside the LAN. Required when
   * the lab has a {@link HomelabSpec.kubernetes} section.
   * @default [] - only for a lab without Kubernetes (a Nomad lab): no pool
   */
  readonly metallbPool?: string | readonly string[];
  /**
   * Named load-balancer IPs reserved in the pool, e.g. `{ pihole: "192.168.1.200" }`.
   * Each becomes `<name>Ip` in `vars.nix`; constructs look them up by name.
   * @default {}
   */
  readonly loadBalancerIps?: Readonly<Record<string, string>>;
  /**
   * How hosts are reached by name where the lab needs a name instead of an address (a DHCP host, e.g. the
   * k3s server address agents join): `"mdns"` gives `<hostname>.local`, `"domain"` gives `<hostname>.<domain>`.
   * @default "mdns"
   */
  readonly hostNames?: HostNames;
}

/** A WireGuard VPN user (a peer of the gateway). */
export interface VpnUserSpec {
  /** User name, a lowercase DNS label. */
  readonly name: string;
  /** Tunnel address, inside {@link VpnSpec.subnet}. */
  readonly address: string;
  /**
   * WireGuard public key: 32 bytes in base64 (44 characters). Give this or `publicKeySecret`.
   * @default undefined
   */
  readonly publicKey?: string;
  /**
   * Where the public key is kept, for users who keep even public keys out of git. Give this or `publicKey`.
   * A string or `{ kubernetes: "alice-wg" }` names the Kubernetes Secret (key `publicKey`) that holds it;
   * `{ sops: "alice_wg_public_key" }` names a sops-nix key (any SOPS key name), and the Kubernetes side
   * takes the Secret whose name is derived from it (`alice-wg-public-key`: lowercase, `-` for the rest).
   * @default undefined
   */
  readonly publicKeySecret?: string | KeyRefSpec;
  /**
   * What the gateway routes to this peer (the server's `AllowedIPs` for it): the tunnel address and any
   * network behind the peer (a site's LAN). Never a default route or the lab's own networks: what the
   * client sends through the tunnel is {@link tunnel}.
   * @default ["<address>/32"]
   */
  readonly allowedIps?: readonly string[];
  /**
   * What the client sends through the tunnel, written into its configuration template (`AllowedIPs` of
   * the client's [Peer]): "split" sends the LAN and the VPN subnet, "full" sends everything (0.0.0.0/0).
   * @default "split"
   */
  readonly tunnel?: "split" | "full";
  /**
   * Group, for policies (`admins`, `family`).
   * @default "users"
   */
  readonly group?: string;
  /**
   * Disabled users stay in `vars.nix` with `enabled = false` and are left out of the gateway.
   * @default true
   */
  readonly enabled?: boolean;
}

/** The WireGuard VPN. */
export interface VpnSpec {
  /** Tunnel subnet; the gateway takes its first host address. E.g. `10.8.0.0/24`. */
  readonly subnet: string;
  /**
   * UDP port the gateway listens on.
   * @default 51820
   */
  readonly listenPort?: number;
  /**
   * VPN users.
   * @default []
   */
  readonly users?: readonly VpnUserSpec[];
}

/** Where the Nix files go and where they point. */
export interface NixSpec {
  /**
   * Folder of the hand-written role modules, relative to the `nix/` output folder.
   * Host files import `<rolesDir>/<role module>` with a path relative to themselves.
   * @default "roles"
   */
  readonly rolesDir?: string;
  /**
   * The shape of `vars.nix`: this library's (`"default"`) or a nixlab-style flake's (`"nixlab"`). For any
   * other shape, pass a mapping function as `vars` of the lab definition (see {@link VarsPreset}).
   * @default "default"
   */
  readonly vars?: VarsPreset;
  /**
   * Facts the model does not know that the lab's modules read from `vars.nix` (`username`, `timezone`,
   * `sshKeys`, ...): each becomes a top-level attribute, e.g. `{ username: "admin" }` gives `vars.username`.
   * @default {} - none
   */
  readonly facts?: VarsFacts;
  /**
   * Distributed builds: `vars.nix` gets `buildMachines`, a list for NixOS's `nix.buildMachines` derived from the
   * hosts' systems and cores (`{ }` for every host with the defaults).
   * @default undefined - no `buildMachines` in vars.nix
   */
  readonly buildMachines?: BuildMachinesSpec;
}

/** Which ingress controller serves every Ingress of the lab. */
export type IngressController = "traefik" | "ingress-nginx";

/** How Flux pulls this repository. */
export interface FluxSpec {
  /** Git URL Flux clones, e.g. `ssh://git@github.com/me/homelab` or `https://github.com/me/homelab`. */
  readonly url: string;
  /**
   * Branch Flux follows.
   * @default "main"
   */
  readonly branch?: string;
  /**
   * How often Flux looks for new commits and reconciles, as a Go duration (`1m`, `10m`, `1h`).
   * @default "10m"
   */
  readonly interval?: string;
  /**
   * Where `dist/` lies inside the repository (Flux Kustomization paths start here).
   * @default "./dist"
   */
  readonly path?: string;
  /**
   * Secret in `flux-system` holding the age key that decrypts SOPS files (`sops-age`, key `age.agekey`).
   * @default "sops-age"
   */
  readonly sopsAgeSecret?: string;
  /**
   * The age public keys SOPS files are encrypted for: the public key of the cluster's key (the one in
   * {@link sopsAgeSecret}) and your own. Every SOPS file synth carries must be encrypted for each, and
   * `.sops.yaml`'s rule for the secrets folder must name them (synth and `check` warn otherwise).
   * @default [] - recipients are not checked
   */
  readonly sopsAgeRecipients?: readonly string[];
}

/** TLS certificates: ACME (Let's Encrypt) with DNS-01 through Cloudflare. */
export interface CertificatesSpec {
  /** Contact e-mail registered with the ACME server. */
  readonly acmeEmail: string;
  /**
   * Let's Encrypt production or staging (use staging while experimenting: its rate limits are generous).
   * @default "production"
   */
  readonly acmeServer?: "production" | "staging";
  /**
   * Name of the Secret (in `cert-manager` and `external-dns`, key `api-token`) with the Cloudflare API
   * token; keep it as a SOPS-encrypted file, never in plain text.
   * @default "cloudflare-api-token"
   */
  readonly cloudflareApiTokenSecret?: string;
}

export type { DnsSpec } from "./dns.js";
export type { BuildMachinesSpec } from "./build-machines.js";
import type { BuildMachinesSpec } from "./build-machines.js";
export type { NfsSpec } from "./nfs.js";
import type { NfsSpec } from "./nfs.js";
export type { KeyRefSpec } from "./key-refs.js";
export type { Addressing, HostNames } from "./addressing.js";
import type { Addressing, HostNames } from "./addressing.js";
export type { NixData, VarsFacts, VarsPreset } from "./vars-options.js";
import type { VarsFacts, VarsPreset } from "./vars-options.js";
import type { KeyRefSpec } from "./key-refs.js";
import type { DnsSpec } from "./dns.js";

/** The Kubernetes side: what dist/ is made of. */
export interface KubernetesSpec {
  /**
   * The ingress controller; every Ingress takes its class from it. ingress-nginx was retired
   * upstream in March 2026; Traefik is what k3s bundles.
   * @default "traefik"
   */
  readonly ingressController?: IngressController;
  /**
   * Default StorageClass for persistent volumes and PostgreSQL.
   * @default "longhorn"
   */
  readonly storageClass?: string;
  /** How Flux pulls this repository. */
  readonly flux: FluxSpec;
  /** TLS certificates. */
  readonly certificates: CertificatesSpec;
  /**
   * The DNS zone the lab's host names are published in, and whether external-dns publishes them.
   * @default { zone: <network.domain>, publish: true }
   */
  readonly dns?: DnsSpec;
}

/** The flannel backend k3s runs: VXLAN (k3s's default) or WireGuard between the nodes. */
export type FlannelBackend = "vxlan" | "wireguard-native";

/** The k3s cluster on the NixOS hosts: what the role modules pass to k3s and open in the host firewall. */
export interface K3sSpec {
  /**
   * flannel's backend, passed as `--flannel-backend`. VXLAN opens 8472/udp between the nodes,
   * `wireguard-native` 51820/udp (and encrypts pod traffic between nodes).
   * @default "vxlan"
   */
  readonly flannelBackend?: FlannelBackend;
  /**
   * Pod network (`--cluster-cidr`); the host firewall trusts the pod interfaces. Must not overlap the LAN.
   * @default "10.42.0.0/16"
   */
  readonly clusterCidr?: string;
  /**
   * Service network (`--service-cidr`). Must not overlap the LAN or the pod network.
   * @default "10.43.0.0/16"
   */
  readonly serviceCidr?: string;
  /**
   * Name of the sops-nix secret (`sops.secrets.<name>`) that holds the cluster's join token; the role
   * modules point `services.k3s.tokenFile` at it. Every k3s host must be able to decrypt it.
   * @default "k3s-token"
   */
  readonly tokenSecret?: string;
  /**
   * Whether every k3s node (servers schedule workloads too) gets what Longhorn needs on the host:
   * open-iscsi with a per-host initiator name, nfs-utils, and `iscsiadm` on a PATH Longhorn searches.
   * @default true - Longhorn is part of the infrastructure unless left out; synth warns when it is
   *   rendered while this is false
   */
  readonly longhorn?: boolean;
}

/** The whole homelab, as written by the user. */
export interface HomelabSpec {
  /** A short name for the lab, a DNS label; used in generated headers and Flux names. */
  readonly name: string;
  /** LAN, DNS and load-balancer addresses. */
  readonly network: NetworkSpec;
  /** The NixOS hosts. */
  readonly hosts: readonly HostSpec[];
  /**
   * Roles hosts may use.
   * @default the presets ({@link rolePresets})
   */
  readonly roles?: readonly RoleSpec[];
  /**
   * The WireGuard VPN.
   * @default undefined - no VPN
   */
  readonly vpn?: VpnSpec;
  /**
   * Nix output options.
   * @default { rolesDir: "roles" }
   */
  readonly nix?: NixSpec;
  /**
   * The Kubernetes side (Flux, certificates, ingress).
   * @default undefined - the lab has no Kubernetes (a Nomad lab): constructs refuse to build
   */
  readonly kubernetes?: KubernetesSpec;
  /**
   * The k3s cluster's host side (flannel backend, pod and service networks, join token, Longhorn).
   * @default {} - every field at its default
   */
  readonly k3s?: K3sSpec;
  /**
   * The NFS server and the standbys it replicates to (the Nomad lab's `nfs-services-server` and
   * `nfs-services-standby` roles); `vars.nix` gets `nfs` with the same fields.
   * @default undefined - no NFS relation in vars.nix
   */
  readonly nfs?: NfsSpec;
}
