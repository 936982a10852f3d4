/**
 * The Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards, the
 * `latest` version the lab's namespaces enforce) evaluated on one pod spec: what `baseline` and
 * `restricted` forbid in it, each with the JSON path of the offending field.
 */
import { type ContainerAt, type Json, type PodSpecAt, containersOf, isObject } from "./pods.js";

/** A Pod Security level, from the least to the most restrictive. */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** The levels in order of strictness. */
export const LEVELS: readonly PodSecurityLevel[] = ["privileged", "baseline", "restricted"];

/** A field a level forbids, and the setting that would fix it. */
export interface Violation {
  /** `baseline` or `restricted`: the lowest level that forbids it. */
  readonly level: Exclude<PodSecurityLevel, "privileged">;
  /** JSON path of the field in the document. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
  /** The setting the level asks for. */
  readonly fix: string;
}

/** Capabilities `baseline` lets a container add (the container runtime's defaults). */
const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

/** The sysctls Kubernetes counts as safe (namespaced and isolated); `baseline` allows only these. */
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
]);

/** The volume types `restricted` allows. */
const RESTRICTED_VOLUMES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);

const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

function obj(v: unknown): Json {
  return isObject(v) ? v : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

/** What `baseline` forbids in a security context (pod or container) at `path`. */
function contextBaseline(sc: Json, path: string): Violation[] {
  const out: Violation[] = [];
  const v = (p: string, message: string, fix: string) =>
    out.push({ level: "baseline", path: `${path}.${p}`, message, fix });
  if (obj(sc.windowsOptions).hostProcess === true)
    v("windowsOptions.hostProcess", "is true (a Windows host process)", "leave windowsOptions.hostProcess unset");
  const seccomp = obj(sc.seccompProfile).type;
  if (seccomp === "Unconfined")
    v("seccompProfile.type", "is Unconfined", "use seccompProfile.type RuntimeDefault (or Localhost)");
  const apparmor = obj(sc.appArmorProfile).type;
  if (apparmor === "Unconfined")
    v("appArmorProfile.type", "is Unconfined", "leave appArmorProfile unset or use RuntimeDefault");
  const selinux = obj(sc.seLinuxOptions);
  if (selinux.type !== undefined && !SELINUX_TYPES.has(String(selinux.type)))
    v("seLinuxOptions.type", `is "${String(selinux.type)}"`, "leave seLinuxOptions.type unset or use container_t");
  for (const k of ["user", "role"] as const)
    if (selinux[k] !== undefined) v(`seLinuxOptions.${k}`, "is set", `leave seLinuxOptions.${k} unset`);
  return out;
}

function containerViolations(c: ContainerAt, podSc: Json): Violation[] {
  const sc = obj(c.container.securityContext);
  const scPath = `${c.path}.securityContext`;
  const out: Violation[] = contextBaseline(sc, scPath);
  const base = (p: string, message: string, fix: string) =>
    out.push({ level: "baseline", path: `${scPath}.${p}`, message, fix });
  const restricted = (p: string, message: string, fix: string) =>
    out.push({ level: "restricted", path: p === "" ? scPath : `${scPath}.${p}`, message, fix });

  if (sc.privileged === true) base("privileged", "is true (a privileged container)", "remove privileged: true");
  if (sc.procMount !== undefined && sc.procMount !== "Default")
    base("procMount", `is "${String(sc.procMount)}"`, "leave procMount unset (Default)");
  const caps = obj(sc.capabilities);
  const added = strings(caps.add);
  added.forEach((cap, i) => {
    if (!BASELINE_CAPABILITIES.has(cap))
      base(`capabilities.add[${i}]`, `adds ${cap}`, `do not add ${cap} (or use a namespace at level privileged)`);
    else if (cap !== "NET_BIND_SERVICE")
      restricted(`capabilities.add[${i}]`, `adds ${cap}`, "add no capability but NET_BIND_SERVICE");
  });
  const ports = Array.isArray(c.container.ports) ? c.container.ports : [];
  ports.forEach((p, i) => {
    const hostPort = obj(p).hostPort;
    if (hostPort !== undefined && hostPort !== 0)
      out.push({
        level: "baseline",
        path: `${c.path}.ports[${i}].hostPort`,
        message: `is ${String(hostPort)} (a port of the node)`,
        fix: "remove hostPort and reach the pod through a Service",
      });
  });

  if (sc.allowPrivilegeEscalation !== false)
    restricted("allowPrivilegeEscalation", "is not false", "set allowPrivilegeEscalation: false");
  const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
  if (nonRoot !== true)
    restricted(
      "runAsNonRoot",
      "is not true (here or in the pod's securityContext)",
      "set runAsNonRoot: true and a non-zero runAsUser",
    );
  if (sc.runAsUser === 0) restricted("runAsUser", "is 0 (root)", "run as a non-zero user id");
  const seccomp = obj(sc.seccompProfile).type ?? obj(podSc.seccompProfile).type;
  if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost" && seccomp !== "Unconfined")
    restricted(
      "seccompProfile.type",
      "is not set (here or in the pod's securityContext)",
      "set seccompProfile.type: RuntimeDefault",
    );
  if (!strings(caps.drop).includes("ALL"))
    restricted("capabilities.drop", "does not drop ALL", "set capabilities.drop: [ALL]");
  return out;
}

/** Every field of `pod` that `baseline` or `restricted` forbids, pod fields first, then each container's. */
export function podSecurityViolations(pod: PodSpecAt): Violation[] {
  const spec = pod.spec;
  const podSc = obj(spec.securityContext);
  const scPath = `${pod.path}.securityContext`;
  const out: Violation[] = contextBaseline(podSc, scPath);
  for (const k of ["hostNetwork", "hostPID", "hostIPC"] as const) {
    if (spec[k] === true)
      out.push({
        level: "baseline",
        path: `${pod.path}.${k}`,
        message: "is true (shares the node's namespace)",
        fix: `remove ${k} (or use a namespace at level privileged)`,
      });
  }
  const sysctls = Array.isArray(podSc.sysctls) ? podSc.sysctls : [];
  sysctls.forEach((s, i) => {
    const name = String(obj(s).name);
    if (!SAFE_SYSCTLS.has(name))
      out.push({
        level: "baseline",
        path: `${scPath}.sysctls[${i}]`,
        message: `sets ${name}, not one of the safe sysctls`,
        fix: `drop the sysctl ${name} (or use a namespace at level privileged)`,
      });
  });
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  volumes.forEach((vol, i) => {
    const type = Object.keys(obj(vol)).find((k) => k !== "name");
    if (type === "hostPath")
      out.push({
        level: "baseline",
        path: `${pod.path}.volumes[${i}].hostPath`,
        message: "mounts a path of the node",
        fix: "use a PersistentVolumeClaim instead of a hostPath volume (or a namespace at level privileged)",
      });
    else if (type !== undefined && !RESTRICTED_VOLUMES.has(type))
      out.push({
        level: "restricted",
        path: `${pod.path}.volumes[${i}].${type}`,
        message: `is a ${type} volume`,
        fix: "use a persistentVolumeClaim, configMap, secret, emptyDir, projected or csi volume",
      });
  });
  if (podSc.runAsUser === 0)
    out.push({
      level: "restricted",
      path: `${scPath}.runAsUser`,
      message: "is 0 (root)",
      fix: "run as a non-zero user id",
    });
  for (const c of containersOf(pod)) out.push(...containerViolations(c, podSc));
  return out;
}

/** The least privileged level that admits `violations`' pod. */
export function levelNeeded(violations: readonly Violation[]): PodSecurityLevel {
  if (violations.some((v) => v.level === "baseline")) return "privileged";
  if (violations.some((v) => v.level === "restricted")) return "baseline";
  return "restricted";
}

/** The violations a namespace at `level` refuses. */
export function refusedAt(level: PodSecurityLevel, violations: readonly Violation[]): Violation[] {
  if (level === "privileged") return [];
  return level === "baseline" ? violations.filter((v) => v.level === "baseline") : [...violations];
}
