/**
 * Defaults sized for small machines (a 4 GB ARM board) and safe by default:
 * modest requests, a memory limit but no CPU limit (CPU limits only throttle),
 * non-root, read-only root filesystem, all capabilities dropped.
 */
import { Size } from "cdk8s";
import { k8s } from "cdk8s-plus-30";

/** Labels every object of the lab carries. */
export function commonLabels(labName: string): Record<string, string> {
  return { "app.kubernetes.io/part-of": labName, "app.kubernetes.io/managed-by": "cdk8s-homelab" };
}

/** CPU and memory for one container. */
export interface Resources {
  /**
   * CPU request in millicores. There is never a CPU limit.
   * @default 50
   */
  readonly cpuMillis?: number;
  /**
   * Memory request.
   * @default Size.mebibytes(64)
   */
  readonly memory?: Size;
  /**
   * Memory limit (the container is OOM-killed above it).
   * @default four times the request
   */
  readonly memoryLimit?: Size;
}

/** Renders {@link Resources} as Kubernetes requirements: requests for CPU and memory, a limit for memory only. */
export function resourceRequirements(r: Resources = {}): k8s.ResourceRequirements {
  const cpu = r.cpuMillis ?? 50;
  const memory = r.memory ?? Size.mebibytes(64);
  const limit = r.memoryLimit ?? Size.mebibytes(memory.toMebibytes() * 4);
  return {
    requests: { cpu: quantity(`${cpu}m`), memory: quantity(`${memory.toMebibytes()}Mi`) },
    limits: { memory: quantity(`${limit.toMebibytes()}Mi`) },
  };
}

function quantity(value: string): k8s.Quantity {
  return k8s.Quantity.fromString(value);
}

/** Container security context: non-root, read-only root filesystem, no privilege escalation, no capabilities. */
export function restrictedContainerSecurity(overrides: Partial<k8s.SecurityContext> = {}): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
    ...overrides,
  };
}

/**
 * Pod security context for a non-root workload.
 * @param uid user and group the containers run as; volumes are group-owned by it.
 */
export function restrictedPodSecurity(uid = 1000): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}
