/**
 * `cdk8s-homelab/model`: the homelab model, plain data without cdk8s. {@link Homelab.create} validates a
 * {@link HomelabSpec} and returns the single source of truth that the Nix emitter and the Kubernetes
 * constructs read.
 *
 * This is the package's public API for the model: every name here is documented and kept stable.
 * Everything else in lib/model is internal (imported by relative path inside lib/).
 *
 * @module
 */
export type { Addressing, HostNames } from "./addressing.js";
export type { Dns, DnsSpec } from "./dns.js";
export { Cidr, Ip, IpRange } from "./ip.js";
export { VARS_PRESETS, type NixData, type VarsFacts, type VarsPreset } from "./vars-options.js";
export { secretNameOfSopsKey, type KeyRef, type KeyRefSpec } from "./key-refs.js";
export {
  HomelabValidationError,
  formatProblems,
  type Problem,
  type SpecPath,
  type SpecPosition,
} from "./problems.js";
export { loadSpecFile, parseSpec } from "./spec-file.js";
export { Port, rolePresets } from "./roles.js";
export { monitoringTarget, monitoringTargets, NODE_EXPORTER_PORT, type MonitoringTarget } from "./monitoring.js";
export type { BuildMachines, BuildMachinesSpec } from "./build-machines.js";
export type { Nfs, NfsSpec } from "./nfs.js";
export type {
  Architecture,
  CertificatesSpec,
  ClusterFunction,
  DiskSpec,
  HardwareSpec,
  FlannelBackend,
  FluxSpec,
  HomelabSpec,
  HostSpec,
  IngressController,
  K3sSpec,
  KubernetesSpec,
  NetworkSpec,
  NixSpec,
  PortSpec,
  RoleSpec,
  VpnSpec,
  VpnUserSpec,
} from "./spec.js";
export {
  Homelab,
  type ConstructLike,
  type Disk,
  type Firewall,
  type Hardware,
  type HomelabData,
  type Host,
  type K3s,
  type Kubernetes,
  type LonghornDisk,
  type Role,
  type Vpn,
  type VpnUser,
} from "./homelab.js";
