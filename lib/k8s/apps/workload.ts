/**
 * `Workload`: one app container in a Deployment, a ClusterIP Service in front
 * of it and, when asked, a persistent volume. The building block that
 * {@link IngressedService} and {@link PostgresApp} share; use it alone for an
 * app that is only reached from inside the cluster.
 *
 * Defaults are homelab-sized and safe: one replica, 50m CPU / 64Mi requested,
 * a memory limit and no CPU limit, `imagePullPolicy: IfNotPresent`, non-root
 * (uid 1000), read-only root filesystem, all capabilities dropped, no
 * privilege escalation, seccomp `RuntimeDefault`, no service-account token.
 */
import type { Size } from "cdk8s";
import { k8s } from "cdk8s-plus-30";
import { Construct } from "constructs";
import type { ServiceMonitor } from "../../../imports/monitoring.coreos.com.js";
import { Homelab } from "../../model/index.js";
import { isRfc1035Label, isRfc1123Label } from "../../model/names.js";
import {
  commonLabels,
  resourceRequirements,
  resourcesProblems,
  restrictedContainerSecurity,
  restrictedPodSecurity,
  type Resources,
} from "../defaults.js";
import { Layer } from "../homelab-app.js";
import { ensureNamespace } from "../namespace.js";
import {
  AppNetworkPolicy,
  addUserRules,
  isolateNamespace,
  type EgressRule,
  type IngressRule,
} from "../app-network-policy.js";
import type { EnvMap } from "./env-value.js";
import type { HealthCheck } from "./health-check.js";
import { imageProblem } from "./image.js";
import { userConstruct } from "../props.js";
import { checkWorkloadOptions } from "./workload-props.js";
import { addAppMonitoring, type MetricsOptions } from "../monitoring/metrics.js";
import { NetworkPeer } from "../network-peer.js";

/** A persistent volume for an app: a `ReadWriteOnce` PersistentVolumeClaim mounted into its container. */
export interface PersistentStorage {
  /** Capacity of the volume, e.g. `Size.gibibytes(10)`. */
  readonly size: Size;
  /** Where the container sees the volume, an absolute path, e.g. `/data`. */
  readonly mountPath: string;
  /**
   * StorageClass of the claim.
   * @default the lab's `kubernetes.storageClass` ("longhorn" unless the model says otherwise)
   */
  readonly storageClass?: string;
}

/** What an app container is and how it runs; shared by {@link Workload}, IngressedService and PostgresApp. */
export interface WorkloadOptions {
  /** Container image, pinned to a tag or a digest (`ghcr.io/owner/app:1.2.3`); `latest` or no tag is an error. */
  readonly image: string;
  /** The port the app listens on (TCP); the Service exposes the same port. */
  readonly port: number;
  /**
   * Environment variables: plain strings, or `EnvValue.fromSecret(name, key)` /
   * `EnvValue.fromSopsSecret(name, key, purpose)` for secrets (only the reference is written).
   * @default {} - none
   */
  readonly env?: EnvMap;
  /**
   * Overrides the image's entrypoint.
   * @default undefined - the image's ENTRYPOINT
   */
  readonly command?: readonly string[];
  /**
   * Overrides the image's arguments.
   * @default undefined - the image's CMD
   */
  readonly args?: readonly string[];
  /**
   * Namespace of every object of the app (created, Pod Security `restricted`).
   * @default the construct id
   */
  readonly namespace?: string;
  /**
   * Number of pods. More than one is not possible with a {@link storage} volume (it is ReadWriteOnce).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * CPU and memory of the container; there is never a CPU limit.
   * @default 50m CPU and 64Mi requested, memory limited to 256Mi
   */
  readonly resources?: Resources;
  /**
   * Readiness, liveness and startup probes.
   * @default HealthCheck.http("/") - readiness, liveness and startup probes GET `/`
   */
  readonly healthCheck?: HealthCheck;
  /**
   * A persistent volume. The Deployment then uses the `Recreate` strategy, so the old pod releases
   * the ReadWriteOnce volume before the new one mounts it.
   * @default undefined - no persistent storage
   */
  readonly storage?: PersistentStorage;
  /**
   * Absolute paths the app must write to despite the read-only root filesystem, each an `emptyDir`
   * (emptied when the pod goes), e.g. `["/tmp", "/var/cache/nginx"]`.
   * @default [] - none
   */
  readonly writablePaths?: readonly string[];
  /**
   * User and group id the container runs as (and that owns its volumes). Root (0) is not allowed in the
   * lab's `restricted` namespaces.
   * @default 1000
   */
  readonly runAsUser?: number;
  /**
   * Opt-out for apps that write all over their image: `false` makes the root filesystem writable.
   * Prefer {@link writablePaths}.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Lets the non-root app listen on ports below 1024 (an image that insists on port 80, like
   * Nextcloud's Apache) through the pod sysctl `net.ipv4.ip_unprivileged_port_start=0`, which
   * Kubernetes counts as safe and Pod Security `restricted` allows. No capability is added.
   * @default false - ports below 1024 need root
   */
  readonly allowLowPorts?: boolean;
  /**
   * Egress the app needs beyond what its constructs derive (DNS, its database), e.g. an API on the internet:
   * `[{ to: NetworkPeer.internet(), ports: [443] }]`. `[{ to: NetworkPeer.anyone() }]` opens all egress.
   * @default [] - the pods reach the cluster DNS and what the constructs allow (their database), nothing else
   */
  readonly allowEgress?: readonly EgressRule[];
  /**
   * Ingress the app needs beyond what its constructs derive (the ingress controller on its port), e.g.
   * `[{ from: NetworkPeer.lan(), ports: [8080] }]` for a LAN-only API.
   * @default [] - only what the constructs allow (the ingress controller, when the app has an Ingress)
   */
  readonly allowIngress?: readonly IngressRule[];
  /**
   * The app serves Prometheus metrics: a ServiceMonitor scrapes them (and a per-app Grafana dashboard shows
   * them), e.g. `metrics: { port: 9973, path: "/metrics" }`. Needs the lab's monitoring stack
   * (`addInfrastructure(app, { monitoring: {} })`).
   * @default undefined - not scraped
   */
  readonly metrics?: MetricsOptions;
}

/** Props of a {@link Workload}. */
export interface WorkloadProps extends WorkloadOptions {
  /**
   * Name of the Deployment, Service and container, and the value of `app.kubernetes.io/name`.
   * @default the construct id
   */
  readonly name?: string;
}

/** A Deployment with one app container, a ClusterIP Service and an optional ReadWriteOnce volume. */
export class Workload extends Construct {
  /** Name of the Deployment, the Service and the container. */
  readonly name: string;
  /** The namespace of the app. */
  readonly namespace: string;
  /** The port the Service (and the container) listens on. */
  readonly port: number;
  /** Labels of every object of the app. */
  readonly labels: Readonly<Record<string, string>>;
  /** The Deployment (L1, for escape hatches). */
  readonly deployment: k8s.KubeDeployment;
  /** The ClusterIP Service. */
  readonly service: k8s.KubeService;
  /** The PersistentVolumeClaim, when {@link WorkloadOptions.storage} is set. */
  readonly claim: k8s.KubePersistentVolumeClaim | undefined;
  /** The NetworkPolicy of the app's pods (default deny; add allows with `allowIngress` / `allowEgress`). */
  readonly networkPolicy: AppNetworkPolicy;
  /** The ServiceMonitor of the app's metrics, when `metrics` is given. */
  readonly serviceMonitor: ServiceMonitor | undefined;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id);
    const lab = Homelab.of(this);
    // Props checked at run time (they may come from JSON or `as any`); rendered from the checked values only.
    const checked = checkWorkloadOptions(props);
    userConstruct(this).node.addValidation({ validate: () => [...checked.problems] });
    this.name = typeof props.name === "string" ? props.name : id;
    this.namespace = ensureNamespace(this, typeof props.namespace === "string" ? props.namespace : id, "restricted");
    this.port = props.port;
    this.labels = { "app.kubernetes.io/name": this.name, ...commonLabels(lab.name) };
    const selector = { "app.kubernetes.io/name": this.name };
    const metadata = { name: this.name, namespace: this.namespace, labels: { ...this.labels } };
    const uid = props.runAsUser ?? 1000;
    const replicas = props.replicas ?? 1;
    const writablePaths = checked.writablePaths;
    const env = checked.env;
    const storage = checked.storage;

    for (const [, value] of env) {
      if (value.secret?.sopsPurpose !== undefined) {
        Layer.of(this).expectSecret(this.namespace, value.secret.name, value.secret.sopsPurpose);
      }
    }

    const volumes: k8s.Volume[] = [];
    const mounts: k8s.VolumeMount[] = [];
    const volumeNames = new Set<string>();
    if (storage !== undefined) {
      this.claim = new k8s.KubePersistentVolumeClaim(this, "data", {
        metadata: { ...metadata, name: `${this.name}-data` },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: storage.storageClass ?? lab.kubernetes.storageClass,
          resources: { requests: { storage: k8s.Quantity.fromString(storage.size.asString()) } },
        },
      });
      volumes.push({ name: "data", persistentVolumeClaim: { claimName: `${this.name}-data` } });
      mounts.push({ name: "data", mountPath: storage.mountPath });
      volumeNames.add("data");
    } else {
      this.claim = undefined;
    }
    for (const path of writablePaths) {
      const name = uniqueVolumeName(path, volumeNames);
      volumes.push({ name, emptyDir: {} });
      mounts.push({ name, mountPath: path });
    }

    isolateNamespace(this, this.namespace);
    this.networkPolicy = new AppNetworkPolicy(this, "network-policy", {
      name: this.name,
      namespace: this.namespace,
      labelValue: this.name,
      labels: this.labels,
    });
    const ruleProblems = [
      ...addUserRules(this.networkPolicy, "allowEgress", props.allowEgress),
      ...addUserRules(this.networkPolicy, "allowIngress", props.allowIngress),
    ];
    if (ruleProblems.length > 0) userConstruct(this).node.addValidation({ validate: () => ruleProblems });

    const probes = checked.healthCheck.probes();
    const metricsPort = props.metrics === undefined ? undefined : (props.metrics.port ?? props.port);
    const separateMetricsPort = metricsPort === props.port ? undefined : metricsPort;
    this.deployment = new k8s.KubeDeployment(this, "deployment", {
      metadata,
      spec: {
        replicas,
        revisionHistoryLimit: 3,
        ...(storage !== undefined ? { strategy: { type: "Recreate" } } : {}),
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...this.labels } },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: {
              ...restrictedPodSecurity(uid),
              // Relabel a volume's files for fsGroup only when its root is not already the app's: a large
              // volume (Nextcloud's data) would otherwise be walked file by file on every start.
              ...(props.storage !== undefined ? { fsGroupChangePolicy: "OnRootMismatch" } : {}),
              ...(props.allowLowPorts === true
                ? { sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }] }
                : {}),
            },
            containers: [
              {
                name: this.name,
                image: props.image,
                imagePullPolicy: "IfNotPresent",
                ...(checked.command !== undefined ? { command: [...checked.command] } : {}),
                ...(checked.args !== undefined ? { args: [...checked.args] } : {}),
                ports: [
                  { name: "http", containerPort: props.port, protocol: "TCP" },
                  ...(separateMetricsPort === undefined
                    ? []
                    : [{ name: "metrics", containerPort: separateMetricsPort, protocol: "TCP" }]),
                ],
                ...(env.length > 0 ? { env: env.map(([name, value]) => value.toEnvVar(name)) } : {}),
                resources: resourceRequirements(checked.resources),
                securityContext: restrictedContainerSecurity({
                  readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
                }),
                ...probes,
                ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
              },
            ],
            ...(volumes.length > 0 ? { volumes } : {}),
          },
        },
      },
    });

    this.service = new k8s.KubeService(this, "service", {
      metadata,
      spec: {
        type: "ClusterIP",
        selector,
        ports: [
          { name: "http", port: props.port, targetPort: k8s.IntOrString.fromString("http"), protocol: "TCP" },
          ...(separateMetricsPort === undefined
            ? []
            : [
                {
                  name: "metrics",
                  port: separateMetricsPort,
                  targetPort: k8s.IntOrString.fromString("metrics"),
                  protocol: "TCP",
                },
              ]),
        ],
      },
    });
    this.serviceMonitor =
      props.metrics === undefined
        ? undefined
        : addAppMonitoring(
            this,
            {
              name: this.name,
              namespace: this.namespace,
              labels: this.labels,
              selector,
              portName: separateMetricsPort === undefined ? "http" : "metrics",
            },
            props.metrics,
          );
    // Prometheus scrapes the metrics port through the namespace's default deny.
    if (metricsPort !== undefined && this.serviceMonitor !== undefined) {
      this.networkPolicy.allowIngress(NetworkPeer.prometheus(), [{ port: metricsPort }]);
    }

    this.node.addValidation({
      validate: () => {
        const problems: string[] = [];
        const image = imageProblem(props.image);
        if (image !== undefined) problems.push(image);
        problems.push(...resourcesProblems("resources", props.resources));
        if (!isRfc1035Label(this.name)) {
          problems.push(
            `name "${this.name}" must be a DNS label (lowercase letters, digits and "-", starting with a letter, at most 63): it names the Service`,
          );
        }
        if (!isRfc1123Label(this.namespace)) {
          problems.push(
            `namespace "${this.namespace}" must be a DNS label (lowercase letters, digits and "-", at most 63)`,
          );
        }
        if (Number.isInteger(props.port) && props.port >= 1 && props.port < 1024 && props.allowLowPorts !== true) {
          problems.push(
            `port ${props.port} is below 1024, which a non-root app cannot bind: set allowLowPorts: true (a safe pod sysctl, no capability), or make the app listen on a port above 1023`,
          );
        }
        if (storage !== undefined && typeof replicas === "number" && replicas > 1) {
          problems.push(
            `replicas is ${replicas} but storage is a ReadWriteOnce volume that only one pod can mount: use replicas 1, or keep state elsewhere (e.g. PostgresApp)`,
          );
        }
        if (uid === 0) {
          problems.push(
            "runAsUser 0 (root) is not allowed in the app's restricted namespace: use the image's non-root user id, or an image that runs as non-root",
          );
        } else if (typeof uid === "number" && (!Number.isInteger(uid) || uid < 0)) {
          problems.push(`runAsUser ${uid} must be a positive whole number (a user id)`);
        }
        const paths = [...(storage !== undefined ? [storage.mountPath] : []), ...writablePaths];
        for (const p of paths) {
          if (!p.startsWith("/")) problems.push(`mount path "${p}" must be absolute (start with "/")`);
        }
        for (const p of new Set(paths.filter((p, i) => paths.indexOf(p) !== i))) {
          problems.push(`mount path "${p}" is given twice (storage.mountPath and writablePaths must all differ)`);
        }
        return problems;
      },
    });
  }
}

/** A volume name from a mount path (`/var/cache/nginx` -> `var-cache-nginx`), unique within `taken`. */
function uniqueVolumeName(path: string, taken: Set<string>): string {
  const base = (
    path
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "root"
  )
    .slice(0, 55)
    .replace(/-+$/, "");
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}
