/**
 * Helm values helpers: resources in the shape charts take, a Helm-style deep
 * merge for user overrides, and typed subsets of the values of the charts
 * whose schema is not vendored in ../shared/crds (MetalLB, cert-manager and
 * external-dns have generated types in imports/values/).
 *
 * The subsets are hand-written from each chart's values.yaml at the version
 * pinned in charts.ts and list only the keys this library sets; they catch a
 * misspelt key in our own code, they do not describe the whole chart.
 */
import { resourceRequirements, type Resources } from "../defaults.js";
import type { HelmValues } from "./helm-app.js";

/**
 * Container resources as Helm charts take them: plain strings, a memory limit and no CPU limit.
 * (A type alias, not an interface, so it fits the index-signature maps of generated values types.)
 */
export type HelmResources = {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly memory: string };
};

/**
 * {@link Resources} (the library's defaults: CPU and memory requests, memory limit four times
 * the request unless given, never a CPU limit) as a chart's `resources` value.
 */
export function helmResources(r: Resources = {}): HelmResources {
  const k = resourceRequirements(r);
  const q = (x: { value: string | number } | undefined): string => String(x?.value);
  return {
    requests: { cpu: q(k.requests?.cpu), memory: q(k.requests?.memory) },
    limits: { memory: q(k.limits?.memory) },
  };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Merges `override` over `base` the way Helm merges values files: maps merge key by key,
 * everything else (lists included) is replaced, and `null` removes a key of the chart's defaults.
 */
export function mergeValues<T extends HelmValues>(base: T, override: HelmValues | undefined): T {
  if (override === undefined) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const prev = out[key];
    out[key] = isMap(prev) && isMap(value) ? mergeValues(prev, value) : value;
  }
  return out as T;
}

/**
 * The parts of the traefik chart's values (41.x) this library sets,
 * to type `values` with `satisfies`. Every field is optional: one left out keeps the value the
 * library sets (or the chart's default).
 */
export interface TraefikValuesOverrides {
  readonly ingressClass?: { readonly enabled?: boolean; readonly isDefaultClass?: boolean; readonly name?: string };
  readonly service?: {
    readonly enabled?: boolean;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly spec?: Readonly<Record<string, unknown>>;
  };
  readonly ports?: {
    readonly web?: {
      readonly http?: {
        readonly redirections?: {
          readonly entryPoint?: { readonly to: string; readonly scheme: "https"; readonly permanent: boolean };
        };
      };
    };
  };
  readonly providers?: {
    readonly kubernetesIngress?: {
      readonly enabled?: boolean;
      readonly publishedService?: { readonly enabled?: boolean };
    };
  };
  readonly resources?: HelmResources;
}

/**
 * The parts of the ingress-nginx chart's values (4.15.x) this library sets,
 * to type `values` with `satisfies`. Every field is optional: one left out keeps the value the
 * library sets (or the chart's default).
 */
export interface IngressNginxValuesOverrides {
  readonly controller?: {
    readonly ingressClass?: string;
    readonly ingressClassResource?: {
      readonly name?: string;
      readonly enabled?: boolean;
      readonly default?: boolean;
      readonly controllerValue?: string;
    };
    readonly publishService?: { readonly enabled?: boolean };
    readonly replicaCount?: number;
    readonly resources?: HelmResources;
    readonly service?: {
      readonly type?: string;
      readonly annotations?: Readonly<Record<string, string>>;
      readonly externalTrafficPolicy?: "Local" | "Cluster";
    };
  };
}

/**
 * The parts of the longhorn chart's values (1.12.x) this library sets,
 * to type `values` with `satisfies`. Every field is optional: one left out keeps the value the
 * library sets (or the chart's default).
 */
export interface LonghornValuesOverrides {
  readonly defaultSettings?: { readonly defaultDataPath?: string };
  readonly persistence?: { readonly defaultClass?: boolean; readonly defaultClassReplicaCount?: number };
  readonly preUpgradeChecker?: { readonly jobEnabled?: boolean };
  readonly longhornUI?: { readonly replicas?: number };
  readonly longhornManager?: { readonly resources?: HelmResources };
  readonly csi?: {
    readonly attacherReplicaCount?: number;
    readonly provisionerReplicaCount?: number;
    readonly resizerReplicaCount?: number;
    readonly snapshotterReplicaCount?: number;
  };
}

/**
 * The parts of the cloudnative-pg operator chart's values (0.29.x) this library sets,
 * to type `values` with `satisfies`. Every field is optional: one left out keeps the value the
 * library sets (or the chart's default).
 */
export interface CloudnativePgValuesOverrides {
  readonly replicaCount?: number;
  readonly crds?: { readonly create?: boolean };
  readonly resources?: HelmResources;
}

/** A Kubernetes Service's settings in the pihole chart (`serviceDns`, `serviceWeb`, `serviceDhcp`). */
interface PiholeService {
  readonly enabled?: boolean;
  readonly mixedService?: boolean;
  readonly type?: "ClusterIP" | "NodePort" | "LoadBalancer";
  readonly externalTrafficPolicy?: "Local" | "Cluster";
  readonly annotations?: Readonly<Record<string, string>>;
  readonly http?: { readonly enabled?: boolean };
  readonly https?: { readonly enabled?: boolean };
}

/**
 * The parts of the pihole chart's values (2.38.x, Pi-hole v6) this library sets,
 * to type `values` with `satisfies`. Every field is optional: one left out keeps the value the
 * library sets (or the chart's default).
 */
export interface PiholeValuesOverrides {
  readonly DNS1?: string;
  readonly DNS2?: string;
  readonly virtualHost?: string;
  readonly admin?: { readonly enabled?: boolean; readonly existingSecret?: string; readonly passwordKey?: string };
  readonly serviceDns?: PiholeService;
  readonly serviceDhcp?: PiholeService;
  readonly serviceWeb?: PiholeService;
  readonly ingress?: {
    readonly enabled?: boolean;
    readonly ingressClassName?: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly path?: string;
    readonly pathType?: "Prefix" | "Exact" | "ImplementationSpecific";
    readonly hosts?: readonly string[];
    readonly tls?: readonly { readonly secretName: string; readonly hosts: readonly string[] }[];
  };
  readonly podDnsConfig?: {
    readonly enabled?: boolean;
    readonly policy?: string;
    readonly nameservers?: readonly string[];
  };
  readonly persistentVolumeClaim?: { readonly enabled?: boolean };
  readonly resources?: HelmResources;
}
