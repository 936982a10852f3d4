/**
 * Defaults sized for small machines (a 4 GB ARM board) and safe by default:
 * modest requests, a memory limit but no CPU limit (CPU limits only throttle),
 * non-root, read-only root filesystem, all capabilities dropped.
 */
import { describeValue } from "../model/problems.js";
import { Size } from "cdk8s";
import { Cpu, k8s } from "cdk8s-plus-30";

/** Labels every object of the lab carries. */
export function commonLabels(labName: string): Record<string, string> {
  return { "app.kubernetes.io/part-of": labName, "app.kubernetes.io/managed-by": "cdk8s-homelab" };
}

/** CPU and memory for one container. */
export interface Resources {
  /**
   * CPU request, e.g. `Cpu.millis(100)` (cdk8s-plus-30's `Cpu`). There is never a CPU limit.
   * @default Cpu.millis(50)
   */
  readonly cpu?: Cpu;
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
  // Not a Cpu (plain JavaScript): rendered as the default, and reported by resourcesProblems.
  const given: unknown = (r.cpu as { amount?: unknown } | undefined)?.amount;
  const cpu = typeof given === "string" ? given : Cpu.millis(50).amount;
  const memory = r.memory ?? Size.mebibytes(64);
  const limit = r.memoryLimit ?? Size.mebibytes(memory.toMebibytes() * 4);
  return {
    requests: { cpu: quantity(cpu), memory: quantity(`${memory.toMebibytes()}Mi`) },
    limits: { memory: quantity(`${limit.toMebibytes()}Mi`) },
  };
}

/** A whole number of millicores ("100m") or of cores with up to three decimals ("0.5", "2"). */
const CPU_AMOUNT = /^(?:[1-9][0-9]*m|(?:0|[1-9][0-9]*)(?:\.[0-9]{1,3})?)$/;

/**
 * Why `r` (the prop `prop` of a construct) cannot be rendered: a CPU that is not a `Cpu`, or not
 * a positive whole number of millicores. Empty when it is fine.
 */
export function resourcesProblems(prop: string, r: Resources | undefined): string[] {
  if (r?.cpu === undefined) return [];
  const amount: unknown = (r.cpu as { amount?: unknown } | null)?.amount;
  if (typeof amount !== "string") {
    return [
      `${prop}.cpu must be a Cpu, e.g. Cpu.millis(100) (import { Cpu } from "cdk8s-plus-30"), got ${shown(r.cpu)}`,
    ];
  }
  if (!CPU_AMOUNT.test(amount) || Number.parseFloat(amount) <= 0) {
    return [
      `${prop}.cpu ${JSON.stringify(amount)} must be a positive whole number of millicores, e.g. Cpu.millis(100)`,
    ];
  }
  return [];
}

/** The value as JSON (`100`, `"100m"`), or described when JSON cannot hold it (a bigint, a cycle). */
function shown(value: unknown): string {
  try {
    return JSON.stringify(value) ?? describeValue(value);
  } catch {
    return describeValue(value);
  }
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
