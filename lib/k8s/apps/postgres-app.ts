/**
 * `PostgresApp`: an app with its own PostgreSQL, run by CloudNativePG.
 *
 * The database is a CNPG `Cluster` (`<id>-db`) that bootstraps one database
 * and its owner. CNPG then makes the Secret `<cluster>-app` (user, password,
 * host, port, dbname, uri, ...) and the Services `<cluster>-rw`/`-ro`/`-r`; the
 * app reads its credentials from that Secret only, by reference. No password
 * is chosen here, and none appears in dist/.
 *
 * The app is a {@link Workload}, or an {@link IngressedService} when
 * `ingress` is set. An optional backup schedule becomes a CNPG
 * `ScheduledBackup`, always paired with a backup target on the Cluster.
 */
import { Size } from "cdk8s";
import { Cpu } from "cdk8s-plus-30";
import { Construct } from "constructs";
import {
  Cluster,
  ScheduledBackup,
  ScheduledBackupSpecBackupOwnerReference,
  ClusterSpecResourcesLimits,
  ClusterSpecResourcesRequests,
  type ClusterSpecResources,
} from "../../../imports/postgresql.cnpg.io.js";
import { Homelab } from "../../model/index.js";
import { cronScheduleProblem } from "../../model/cron.js";
import { isRfc1035Label } from "../../model/names.js";
import { commonLabels, resourceRequirements, resourcesProblems, type Resources } from "../defaults.js";
import { Layer } from "../homelab-app.js";
import { EnvValue, envValues } from "./env-value.js";
import { imageProblem } from "./image.js";
import { IngressedService, type IngressOptions } from "./ingressed-service.js";
import type { PostgresBackupTarget } from "./postgres-backup.js";
import { Workload, type WorkloadOptions } from "./workload.js";
import type { PodMonitor } from "../../../imports/monitoring.coreos.com.js";
import { addPostgresPodMonitor, monitoringInstalled } from "../monitoring/metrics.js";
import { isPlainObject, isSize, propProblem, userConstruct } from "../props.js";
import { checkBackup, checkDatabase, checkDatabaseEnv, checkIngress } from "./postgres-app-props.js";
import { describeValue } from "../../model/problems.js";
import { AppNetworkPolicy } from "../app-network-policy.js";
import { K3S_API_SERVER_PORT, NetworkPeer } from "../network-peer.js";

/** PostgreSQL's port on the instances (and on the `-rw`, `-ro`, `-r` Services). */
const POSTGRES_PORT = 5432;
/** The port of CloudNativePG's instance manager (status, backups, switchover), called by the operator. */
const CNPG_STATUS_PORT = 8000;
/** The port of the PostgreSQL exporter in each CloudNativePG instance (its `metrics` container port). */
const CNPG_METRICS_PORT = 9187;

/** Keys of the Secret `<cluster>-app` that CloudNativePG creates. */
export type PostgresSecretKey = "uri" | "jdbc-uri" | "host" | "port" | "dbname" | "username" | "password" | "pgpass";

/** Environment variables the app gets by default, each from a key of `<cluster>-app`. */
export const DEFAULT_DATABASE_ENV: Readonly<Partial<Record<PostgresSecretKey, string>>> = {
  uri: "DATABASE_URL",
  host: "DB_HOST",
  port: "DB_PORT",
  dbname: "DB_NAME",
  username: "DB_USER",
  password: "DB_PASSWORD",
};

/**
 * The PostgreSQL image every {@link PostgresApp} runs unless `database.imageName` says otherwise:
 * PostgreSQL 17.9 from CloudNativePG's image catalogue (system image, Debian bookworm), pinned so the
 * major version never follows the operator.
 */
export const DEFAULT_POSTGRES_IMAGE = "ghcr.io/cloudnative-pg/postgresql:17.9-202602261636-system-bookworm";

/** The PostgreSQL cluster of a {@link PostgresApp}. */
export interface PostgresDatabaseOptions {
  /**
   * Name of the CNPG Cluster; CNPG names the Secret `<clusterName>-app` and the Services `<clusterName>-rw`, `-ro`, `-r`.
   * @default "<id>-db"
   */
  readonly clusterName?: string;
  /**
   * The database to create.
   * @default the construct id, with "-" replaced by "_"
   */
  readonly name?: string;
  /**
   * The role that owns the database (the app logs in as it).
   * @default the database name
   */
  readonly owner?: string;
  /**
   * Number of PostgreSQL instances (1 primary + replicas). A single instance gets no PodDisruptionBudget
   * (`enablePDB: false`): CNPG's would keep its node from ever being drained (k3s upgrades drain nodes).
   * @default 1 - a single instance fits a small homelab; use 3 for failover.
   */
  readonly instances?: number;
  /**
   * Size of each instance's data volume.
   * @default Size.gibibytes(5)
   */
  readonly size?: Size;
  /**
   * StorageClass of the data volumes.
   * @default the lab's `kubernetes.storageClass` ("longhorn" unless the model says otherwise)
   */
  readonly storageClass?: string;
  /**
   * PostgreSQL image, pinned. Its tag starts with the PostgreSQL version (`17.9-...`): CNPG reads the
   * major version from it, and a major upgrade is then a change you make, not one the operator makes.
   * @default DEFAULT_POSTGRES_IMAGE - PostgreSQL 17 (17.9), the newest major that common apps
   *   (Nextcloud 32 among them) support; the operator's own default follows the operator (18 for 1.30).
   */
  readonly imageName?: string;
  /**
   * CPU and memory of each instance; there is never a CPU limit.
   * @default 100m CPU and 256Mi requested, memory limited to 1Gi
   */
  readonly resources?: Resources;
}

/** A backup schedule and where the backups go. */
export interface PostgresBackup {
  /**
   * When to take a base backup: CloudNativePG's cron syntax, six fields with seconds first
   * (`"0 0 3 * * *"` is 03:00 every day), or a descriptor such as `@daily`.
   */
  readonly schedule: string;
  /**
   * Where the backups go; CNPG cannot back up without one, so it is required.
   */
  readonly target: PostgresBackupTarget;
  /**
   * Take the first backup as soon as the ScheduledBackup is created.
   * @default false
   */
  readonly immediate?: boolean;
}

/** Props of a {@link PostgresApp}. */
export interface PostgresAppProps extends WorkloadOptions {
  /**
   * The PostgreSQL cluster.
   * @default one instance, 5Gi on the lab's StorageClass, database and owner named after the id
   */
  readonly database?: PostgresDatabaseOptions;
  /**
   * Which keys of `<cluster>-app` the app gets, under which environment variable names. Replaces the
   * default map entirely: keys left out are not passed.
   * @default DEFAULT_DATABASE_ENV - uri as DATABASE_URL, host as DB_HOST, port as DB_PORT, dbname as DB_NAME,
   *   username as DB_USER, password as DB_PASSWORD
   */
  readonly databaseEnv?: Readonly<Partial<Record<PostgresSecretKey, string>>>;
  /**
   * Scheduled base backups (a CNPG ScheduledBackup) and the target they go to.
   * @default undefined - no backups; the data lives on the volumes only
   */
  readonly backup?: PostgresBackup;
  /**
   * Expose the app at `https://<subdomain>.<domain>` with an Ingress, as an IngressedService does.
   * @default undefined - no Ingress; the app is reached inside the cluster at `<id>.<namespace>.svc`
   */
  readonly ingress?: IngressOptions;
}

const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * An app and its own PostgreSQL (CloudNativePG), wired through the Secret CNPG creates.
 *
 * @example
 * new PostgresApp(app.apps, "miniflux", {
 *   image: "ghcr.io/miniflux/miniflux:2.2.6-distroless",
 *   port: 8080,
 *   env: { RUN_MIGRATIONS: "1", LISTEN_ADDR: "0.0.0.0:8080" },
 *   healthCheck: HealthCheck.http("/healthcheck"),
 *   ingress: { subdomain: "rss" },
 *   backup: {
 *     schedule: "0 0 3 * * *",
 *     target: PostgresBackupTarget.barmanCloudPlugin({ objectStore: "minio" }),
 *   },
 * });
 */
export class PostgresApp extends Construct {
  /** Name of the CNPG Cluster. */
  readonly clusterName: string;
  /** The Secret CNPG creates with the app's credentials, `<cluster>-app`. */
  readonly appSecretName: string;
  /** The read-write Service of the database, `<cluster>-rw`. */
  readonly readWriteService: string;
  /** The namespace of the app and its database. */
  readonly namespace: string;
  /** The CNPG Cluster (L1, for escape hatches). */
  readonly cluster: Cluster;
  /** The ScheduledBackup, when {@link PostgresAppProps.backup} is set. */
  readonly scheduledBackup: ScheduledBackup | undefined;
  /**
   * The PodMonitor of the database's instances, when the lab runs the monitoring stack (`addInfrastructure`
   * with `monitoring`, called before this construct).
   */
  readonly podMonitor: PodMonitor | undefined;
  /** The app's Deployment, Service and (optional) volume. */
  readonly workload: Workload;
  /** The app's Ingress wrapper, when {@link PostgresAppProps.ingress} is set. */
  readonly ingressedService: IngressedService | undefined;
  /**
   * The NetworkPolicy of the database's instances: the app (and its CronJobs) on 5432, the CloudNativePG
   * operator on 8000 and 5432, the instances among themselves (replication), and egress to the k3s API
   * server. Add more with `allowEgress` (e.g. a backup object store on the LAN).
   */
  readonly databaseNetworkPolicy: AppNetworkPolicy;

  constructor(scope: Construct, id: string, props: PostgresAppProps) {
    super(scope, id);
    const lab = Homelab.of(this);
    // Props checked at run time (they may come from JSON or `as any`); rendered from the checked values only.
    const propProblems: string[] = [];
    userConstruct(this).node.addValidation({ validate: () => [...propProblems] });
    const db = checkDatabase(props.database, propProblems);
    this.clusterName = db.clusterName ?? `${id}-db`;
    this.appSecretName = `${this.clusterName}-app`;
    this.readWriteService = `${this.clusterName}-rw`;
    const database = db.name ?? id.replace(/-/g, "_");
    const owner = db.owner ?? database;
    const instances = db.instances ?? 1;

    // The app: credentials only by reference to <cluster>-app.
    const databaseEnv = checkDatabaseEnv(props.databaseEnv, DEFAULT_DATABASE_ENV, propProblems);
    if (props.env !== undefined && !isPlainObject(props.env)) {
      propProblems.push(propProblem("env", `must be an object of NAME: value, got ${describeValue(props.env)}`));
    }
    const env = {
      ...Object.fromEntries(envValues(isPlainObject(props.env) ? props.env : {})),
      ...Object.fromEntries(databaseEnv.map(([key, name]) => [name, EnvValue.fromSecret(this.appSecretName, key)])),
    };
    const {
      database: _database,
      databaseEnv: _databaseEnv,
      backup: _backup,
      ingress: rawIngress,
      ...workloadOptions
    } = props;
    const ingress = checkIngress(rawIngress, propProblems);
    const appProps = { ...workloadOptions, env, name: id, namespace: props.namespace ?? id };
    if (ingress !== undefined) {
      this.ingressedService = new IngressedService(this, "app", { ...appProps, subdomain: ingress.subdomain ?? id });
      this.workload = this.ingressedService.workload;
    } else {
      this.ingressedService = undefined;
      this.workload = new Workload(this, "app", appProps);
    }
    this.namespace = this.workload.namespace;
    const labels = { "app.kubernetes.io/name": id, ...commonLabels(lab.name) };

    const backup = checkBackup(props.backup, propProblems);
    const target = backup?.target;
    this.cluster = new Cluster(this, "database", {
      metadata: { name: this.clusterName, namespace: this.namespace, labels },
      spec: {
        instances,
        imageName: db.imageName ?? DEFAULT_POSTGRES_IMAGE,
        enableSuperuserAccess: false,
        // A PodDisruptionBudget on a single instance would block every node drain (k3s upgrades).
        enablePdb: instances > 1,
        storage: {
          size: (isSize(db.size) ? db.size : Size.gibibytes(5)).asString(),
          storageClass: db.storageClass ?? lab.kubernetes.storageClass,
        },
        // No initdb.secret: CNPG then generates the owner's password into <cluster>-app.
        bootstrap: { initdb: { database, owner } },
        resources: clusterResources(db.resources ?? { cpu: Cpu.millis(100), memory: Size.mebibytes(256) }),
        ...(target !== undefined ? target.clusterSpec : {}),
      },
    });

    this.databaseNetworkPolicy = new AppNetworkPolicy(this, "database-network-policy", {
      name: this.clusterName,
      namespace: this.namespace,
      labelKey: "cnpg.io/cluster",
      labelValue: this.clusterName,
      labels,
    });
    const dbPolicy = this.databaseNetworkPolicy;
    const instancePorts = [{ port: POSTGRES_PORT }, { port: CNPG_STATUS_PORT }];
    dbPolicy.allowIngress(this.workload.networkPolicy.pods, [{ port: POSTGRES_PORT }]);
    dbPolicy.allowIngress(NetworkPeer.cnpgOperator(), instancePorts);
    dbPolicy.allowIngress(dbPolicy.pods, instancePorts);
    dbPolicy.allowEgress(dbPolicy.pods, instancePorts);
    dbPolicy.allowEgress(NetworkPeer.apiServer(), [{ port: K3S_API_SERVER_PORT }]);
    // Backups go to an object store; over HTTPS on the internet unless the user allows another place.
    if (backup !== undefined) dbPolicy.allowEgress(NetworkPeer.internet(), [{ port: 443 }]);
    this.workload.networkPolicy.allowEgress(dbPolicy.pods, [{ port: POSTGRES_PORT }]);
    this.podMonitor = monitoringInstalled(this)
      ? addPostgresPodMonitor(this, { name: this.clusterName, namespace: this.namespace, labels })
      : undefined;
    // Prometheus scrapes each instance's exporter (CNPG's `metrics` port) through the default deny.
    if (this.podMonitor !== undefined) dbPolicy.allowIngress(NetworkPeer.prometheus(), [{ port: CNPG_METRICS_PORT }]);

    if (backup !== undefined && target !== undefined) {
      for (const s of target.secrets) Layer.of(this).expectSecret(this.namespace, s.name, s.purpose);
      this.scheduledBackup = new ScheduledBackup(this, "backup", {
        metadata: { name: this.clusterName, namespace: this.namespace, labels },
        spec: {
          cluster: { name: this.clusterName },
          schedule: backup.schedule,
          method: target.method,
          ...(target.pluginConfiguration !== undefined ? { pluginConfiguration: target.pluginConfiguration } : {}),
          backupOwnerReference: ScheduledBackupSpecBackupOwnerReference.SELF,
          immediate: backup.immediate ?? false,
        },
      });
    } else {
      this.scheduledBackup = undefined;
    }

    this.node.addValidation({
      validate: () => {
        const problems: string[] = [];
        if (!isRfc1035Label(this.clusterName)) {
          problems.push(
            `database.clusterName "${this.clusterName}" must be a DNS label (lowercase letters, digits and "-", starting with a letter)`,
          );
        }
        for (const [what, value] of [
          ["database.name", database],
          ["database.owner", owner],
        ] as const) {
          if (typeof value !== "string" || !SQL_IDENTIFIER.test(value)) {
            problems.push(
              `${what} "${value}" must be a plain PostgreSQL identifier (lowercase letters, digits and "_", not starting with a digit)`,
            );
          } else if (value === "postgres" || value.startsWith("template")) {
            problems.push(`${what} "${value}" is reserved by PostgreSQL; pick another name`);
          }
        }
        if (!Number.isInteger(instances) || instances < 1)
          problems.push(`database.instances ${instances} must be a whole number, 1 or more`);
        problems.push(...resourcesProblems("database.resources", db.resources));
        if (db.imageName !== undefined) {
          const p = imageProblem(db.imageName, "database.imageName") ?? postgresTagProblem(db.imageName);
          if (p !== undefined) problems.push(p);
        }
        const userEnv = new Set(Object.keys(props.env ?? {}));
        for (const [key, name] of databaseEnv) {
          if (userEnv.has(name)) {
            problems.push(
              `env ${name} is also the database's ${key} (from Secret ${this.appSecretName}): rename one, or change databaseEnv`,
            );
          }
        }
        const names = databaseEnv.map(([, name]) => name);
        for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
          problems.push(`databaseEnv gives ${name} to more than one key of ${this.appSecretName}`);
        }
        if (backup !== undefined) {
          const schedule = scheduleProblem(backup.schedule);
          if (schedule !== undefined) problems.push(schedule);
          if (target === undefined && (props.backup as { target?: unknown }).target === undefined) {
            problems.push(
              "backup.schedule is set but backup.target is missing: a ScheduledBackup cannot work without a backup target on the Cluster. " +
                "Add target: PostgresBackupTarget.barmanCloudPlugin({ objectStore }) (or barmanObjectStore / volumeSnapshot), or remove backup",
            );
          } else if (target !== undefined) {
            problems.push(...target.problems);
          }
        }
        return problems;
      },
    });
  }
}

/** A CNPG resources stanza from the lab's defaults: requests for CPU and memory, a limit for memory only. */
function clusterResources(r: Resources): ClusterSpecResources {
  const k = resourceRequirements(r);
  const map = <T>(q: Record<string, { value: string | number }> | undefined, f: (v: string) => T): Record<string, T> =>
    Object.fromEntries(Object.entries(q ?? {}).map(([name, v]) => [name, f(String(v.value))]));
  return {
    requests: map(k.requests, ClusterSpecResourcesRequests.fromString),
    limits: map(k.limits, ClusterSpecResourcesLimits.fromString),
  };
}

/** Why `schedule` is not a CNPG (robfig/cron, seconds first) schedule, or undefined. */
export function scheduleProblem(schedule: string): string | undefined {
  if (typeof schedule !== "string") return `backup.schedule must be a string like "0 0 3 * * *"`;
  const problem = cronScheduleProblem(schedule);
  return problem === undefined ? undefined : `backup.schedule "${schedule}" ${problem}`;
}

/** Why CNPG cannot read a PostgreSQL major version from the image's tag (`17.9-...`, `16`), or undefined. */
function postgresTagProblem(image: string): string | undefined {
  if (image.includes("@") && !/:[^/@]+@/.test(image)) return undefined; // a digest alone: CNPG asks the image
  const tag = image.slice(image.lastIndexOf(":") + 1).split("@")[0]!;
  if (/^\d+(\.\d+)?([^\d.]|$)/.test(tag)) return undefined;
  return (
    `database.imageName "${image}": its tag "${tag}" does not start with a PostgreSQL version, ` +
    'which CloudNativePG reads the major version from; use a tag like "17.9" or "17.9-system-bookworm"'
  );
}
