/**
 * PostgresApp through the public API: an app plus a CloudNativePG Cluster, wired
 * only through the Secret CNPG creates (`<cluster>-app`), with optional backups.
 */
import { Size } from "cdk8s";
import { Cpu } from "cdk8s-plus-30";
import { describe, expect, it } from "vitest";
import { homelab as example } from "./fixtures/lab/homelab.js";
import {
  DEFAULT_POSTGRES_IMAGE,
  EnvValue,
  PostgresApp,
  PostgresBackupTarget,
  Retention,
  type PostgresAppProps,
} from "../lib/k8s/apps/index.js";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { Homelab } from "../lib/model/index.js";
import { imageProblem } from "../lib/k8s/apps/image.js";
import { constructProblems, lab, one, renderApps, type Manifest } from "./helpers/k8s.js";
import { checkManifest, crdsAvailable } from "./helpers/schemas.js";

const render = renderApps;
const problemsOf = (build: (app: HomelabApp) => void) => constructProblems(build);

const base: PostgresAppProps = { image: "ghcr.io/miniflux/miniflux:2.2.6-distroless", port: 8080 };
const miniflux =
  (props: Partial<PostgresAppProps> = {}, id = "miniflux") =>
  (app: HomelabApp) =>
    new PostgresApp(app.apps, id, { ...base, ...props });
const container = (docs: Manifest[]) => one(docs, "Deployment").spec.template.spec.containers[0];

describe("PostgresApp: the PostgreSQL image", () => {
  it("defaults to a pinned PostgreSQL 17, whose major version CNPG reads from the tag", () => {
    expect(DEFAULT_POSTGRES_IMAGE).toMatch(/^ghcr\.io\/cloudnative-pg\/postgresql:17\.\d+-/);
    expect(imageProblem(DEFAULT_POSTGRES_IMAGE)).toBeUndefined();
  });

  it("refuses a tag that does not start with a PostgreSQL version", () => {
    const problems = constructProblems(miniflux({ database: { imageName: "ghcr.io/example/postgres:bookworm-17" } }));
    expect(problems).toEqual([
      expect.stringContaining(
        'database.imageName "ghcr.io/example/postgres:bookworm-17": its tag "bookworm-17" does not start with a ' +
          "PostgreSQL version",
      ),
    ]);
    expect(
      one(render(miniflux({ database: { imageName: "ghcr.io/cloudnative-pg/postgresql:16.6" } })).docs, "Cluster").spec
        .imageName,
    ).toBe("ghcr.io/cloudnative-pg/postgresql:16.6");
  });
});

describe("PostgresApp", () => {
  it("makes a CNPG Cluster <id>-db next to the app, homelab-sized, on the model's StorageClass", () => {
    const { docs } = render(miniflux());
    expect(docs.map((d) => `${d.kind}/${d.metadata.namespace ?? ""}/${d.metadata.name}`).sort()).toEqual([
      "Cluster/miniflux/miniflux-db",
      "Deployment/miniflux/miniflux",
      "Namespace//miniflux",
      "NetworkPolicy/miniflux/default-deny",
      "NetworkPolicy/miniflux/miniflux",
      "NetworkPolicy/miniflux/miniflux-db",
      "Service/miniflux/miniflux",
    ]);
    const cluster = one(docs, "Cluster");
    expect(cluster.apiVersion).toBe("postgresql.cnpg.io/v1");
    expect(cluster.metadata.labels).toMatchObject({
      "app.kubernetes.io/name": "miniflux",
      "app.kubernetes.io/part-of": "homelab",
    });
    expect(cluster.spec).toEqual({
      instances: 1,
      // Pinned: the PostgreSQL major version never follows the operator's default.
      imageName: DEFAULT_POSTGRES_IMAGE,
      enableSuperuserAccess: false,
      enablePDB: false,
      storage: { size: "5Gi", storageClass: "longhorn" },
      bootstrap: { initdb: { database: "miniflux", owner: "miniflux" } },
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1024Mi" } },
    });
    // Without initdb.secret CNPG generates the password into <cluster>-app.
    expect(cluster.spec.bootstrap.initdb.secret).toBeUndefined();
    expect(one(docs, "Namespace").metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("derives database and owner from the id, and takes options", () => {
    const derived = one(render(miniflux({}, "paper-less")).docs, "Cluster");
    expect(derived.metadata.name).toBe("paper-less-db");
    expect(derived.spec.bootstrap.initdb).toEqual({ database: "paper_less", owner: "paper_less" });

    const spec = lab((s) => (s.kubernetes.storageClass = "local-path"));
    const custom = one(
      render(
        miniflux({
          database: {
            clusterName: "rss-pg",
            name: "rss",
            owner: "rss_owner",
            instances: 3,
            size: Size.gibibytes(20),
            imageName: "ghcr.io/cloudnative-pg/postgresql:17.5",
            resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(512) },
          },
        }),
        spec,
      ).docs,
      "Cluster",
    );
    expect(custom.metadata.name).toBe("rss-pg");
    expect(custom.spec).toMatchObject({
      instances: 3,
      enablePDB: true,
      imageName: "ghcr.io/cloudnative-pg/postgresql:17.5",
      storage: { size: "20Gi", storageClass: "local-path" },
      bootstrap: { initdb: { database: "rss", owner: "rss_owner" } },
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "2048Mi" } },
    });
  });

  it("gives the app its credentials only by reference to <cluster>-app", () => {
    const { docs, text } = render(miniflux({ env: { RUN_MIGRATIONS: "1" } }));
    expect(container(docs).env).toEqual([
      { name: "RUN_MIGRATIONS", value: "1" },
      { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "miniflux-db-app", key: "uri" } } },
      { name: "DB_HOST", valueFrom: { secretKeyRef: { name: "miniflux-db-app", key: "host" } } },
      { name: "DB_PORT", valueFrom: { secretKeyRef: { name: "miniflux-db-app", key: "port" } } },
      { name: "DB_NAME", valueFrom: { secretKeyRef: { name: "miniflux-db-app", key: "dbname" } } },
      { name: "DB_USER", valueFrom: { secretKeyRef: { name: "miniflux-db-app", key: "username" } } },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "miniflux-db-app", key: "password" } } },
    ]);
    // No Secret is rendered, and nothing that looks like a password value is written anywhere.
    expect(docs.filter((d) => d.kind === "Secret")).toEqual([]);
    expect(text).not.toMatch(/password:\s*\S/i);
    expect(text).not.toMatch(/postgres(ql)?:\/\//);
  });

  it("names the env vars as the app wants them, and follows a renamed cluster", () => {
    const { docs } = render(
      miniflux({
        database: { clusterName: "feeds" },
        databaseEnv: { uri: "MINIFLUX_DATABASE_URL", password: "PGPASSWORD" },
      }),
    );
    expect(container(docs).env).toEqual([
      { name: "MINIFLUX_DATABASE_URL", valueFrom: { secretKeyRef: { name: "feeds-app", key: "uri" } } },
      { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "feeds-app", key: "password" } } },
    ]);
  });

  it("is a secure app workload by default, and exposes it like an IngressedService when asked", () => {
    const plain = render(miniflux()).docs;
    expect(plain.some((d) => d.kind === "Ingress")).toBe(false);
    const c = container(plain);
    expect(c.imagePullPolicy).toBe("IfNotPresent");
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(c.resources.requests).toBeDefined();
    expect(c.resources.limits.cpu).toBeUndefined();

    const exposed = render(miniflux({ ingress: { subdomain: "rss" } })).docs;
    const ingress = one(exposed, "Ingress", "miniflux");
    expect(ingress.spec.rules[0].host).toBe(Homelab.create(example).fqdn("rss"));
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: "miniflux", port: { number: 8080 } });
    expect(ingress.metadata.annotations["cert-manager.io/cluster-issuer"]).toBe("letsencrypt");
    expect(one(render(miniflux({ ingress: {} })).docs, "Ingress").spec.rules[0].host).toBe("miniflux.home.example.com");
    // The exposed app gets the same credentials.
    expect(container(exposed).env.map((e: Manifest) => e.valueFrom?.secretKeyRef?.name)).toContain("miniflux-db-app");
  });

  it("schedules backups to the Barman Cloud plugin", () => {
    const { docs } = render(
      miniflux({
        backup: { schedule: "0 0 3 * * *", target: PostgresBackupTarget.barmanCloudPlugin({ objectStore: "minio" }) },
      }),
    );
    expect(one(docs, "Cluster").spec.plugins).toEqual([
      { name: "barman-cloud.cloudnative-pg.io", isWALArchiver: true, parameters: { barmanObjectName: "minio" } },
    ]);
    expect(one(docs, "ScheduledBackup")).toMatchObject({
      apiVersion: "postgresql.cnpg.io/v1",
      metadata: { name: "miniflux-db", namespace: "miniflux" },
      spec: {
        cluster: { name: "miniflux-db" },
        schedule: "0 0 3 * * *",
        method: "plugin",
        pluginConfiguration: { name: "barman-cloud.cloudnative-pg.io" },
        backupOwnerReference: "self",
        immediate: false,
      },
    });
  });

  it("schedules backups to an S3 bucket with the built-in Barman support, credentials from a SOPS-kept Secret", () => {
    const { docs, warnings } = render(
      miniflux({
        backup: {
          schedule: "@daily",
          immediate: true,
          target: PostgresBackupTarget.barmanObjectStore({
            destinationPath: "s3://backups/miniflux",
            endpointUrl: "https://s3.example.com",
            credentialsSecret: "backup-s3",
          }),
        },
      }),
    );
    expect(one(docs, "Cluster").spec.backup).toEqual({
      retentionPolicy: "30d",
      barmanObjectStore: {
        destinationPath: "s3://backups/miniflux",
        endpointURL: "https://s3.example.com",
        s3Credentials: {
          accessKeyId: { name: "backup-s3", key: "ACCESS_KEY_ID" },
          secretAccessKey: { name: "backup-s3", key: "ACCESS_SECRET_KEY" },
        },
      },
    });
    expect(one(docs, "ScheduledBackup").spec).toMatchObject({
      method: "barmanObjectStore",
      schedule: "@daily",
      immediate: true,
    });
    expect(warnings.some((w) => w.includes("\n  miniflux/backup-s3: "))).toBe(true);
    expect(docs.filter((d) => d.kind === "Secret")).toEqual([]);
  });

  it("keeps backups for a typed Retention, and refuses one that CloudNativePG could not read", () => {
    const target = (retentionPolicy: Retention) =>
      PostgresBackupTarget.barmanObjectStore({
        destinationPath: "s3://backups/miniflux",
        credentialsSecret: "backup-s3",
        retentionPolicy,
      });
    const { docs } = render(miniflux({ backup: { schedule: "@daily", target: target(Retention.weeks(4)) } }));
    expect(one(docs, "Cluster").spec.backup.retentionPolicy).toBe("4w");
    expect(String(Retention.months(6))).toBe("6m");
    expect(problemsOf(miniflux({ backup: { schedule: "@daily", target: target(Retention.days(1.5)) } }))).toEqual([
      "[apps/miniflux] backup.target: retentionPolicy must be a whole number of days, weeks or months, 1 or more, got 1.5d",
    ]);
    expect(problemsOf(miniflux({ backup: { schedule: "@daily", target: target("30 days" as never) } }))).toEqual([
      '[apps/miniflux] backup.target: retentionPolicy must be a Retention, e.g. Retention.days(30), got the string "30 days"',
    ]);
  });

  it("refuses a CPU request that is not a positive whole number of millicores, naming the prop", () => {
    expect(
      problemsOf(miniflux({ resources: { cpu: Cpu.millis(0.5) }, database: { resources: { cpu: Cpu.units(0) } } })),
    ).toEqual([
      '[apps/miniflux] database.resources.cpu "0" must be a positive whole number of millicores, e.g. Cpu.millis(100)',
      '[apps/miniflux/app] resources.cpu "0.5m" must be a positive whole number of millicores, e.g. Cpu.millis(100)',
    ]);
    expect(problemsOf(miniflux({ resources: { cpu: 100 as never } }))).toEqual([
      '[apps/miniflux/app] resources.cpu must be a Cpu, e.g. Cpu.millis(100) (import { Cpu } from "cdk8s-plus-30"), got 100',
    ]);
  });

  it("schedules volume snapshots", () => {
    const { docs } = render(
      miniflux({
        backup: {
          schedule: "0 30 2 * * 0",
          target: PostgresBackupTarget.volumeSnapshot({ className: "longhorn-snapshot" }),
        },
      }),
    );
    expect(one(docs, "Cluster").spec.backup).toEqual({ volumeSnapshot: { className: "longhorn-snapshot" } });
    expect(one(docs, "ScheduledBackup").spec.method).toBe("volumeSnapshot");
  });

  it("rejects a five-field schedule, saying how to write it", () => {
    const problems = problemsOf(
      miniflux({
        backup: { schedule: "0 3 * * *", target: PostgresBackupTarget.barmanCloudPlugin({ objectStore: "minio" }) },
      }),
    );
    expect(problems).toEqual([
      '[apps/miniflux] backup.schedule "0 3 * * *" has 5 fields; CloudNativePG needs six, seconds first ' +
        '("sec min hour day-of-month month day-of-week", e.g. "0 0 3 * * *" for 03:00 daily); for this schedule write "0 0 3 * * *"',
    ]);
  });

  it("rejects a six-field schedule with a field out of its range (CloudNativePG would refuse it)", () => {
    const target = PostgresBackupTarget.barmanCloudPlugin({ objectStore: "minio" });
    expect(problemsOf(miniflux({ backup: { schedule: "99 0 3 * * *", target } }))).toEqual([
      '[apps/miniflux] backup.schedule "99 0 3 * * *" has an invalid seconds field "99": "99" is out of 0-59',
    ]);
  });

  it("refuses a schedule without a backup target (a ScheduledBackup that could never run)", () => {
    const problems = problemsOf(miniflux({ backup: { schedule: "0 0 3 * * *" } as never }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^\[apps\/miniflux\] backup\.schedule is set but backup\.target is missing: .*PostgresBackupTarget\.barmanCloudPlugin/,
    );
  });

  it("reports bad input all at once: an unpinned image, clashing env names, bad identifiers", () => {
    const problems = problemsOf(
      miniflux({
        image: "ghcr.io/miniflux/miniflux:latest",
        env: { DATABASE_URL: "postgres://elsewhere" },
        database: {
          name: "postgres",
          owner: "Bad-Owner",
          instances: 0,
          imageName: "ghcr.io/cloudnative-pg/postgresql",
        },
      }),
    );
    const expected = [
      'image "ghcr.io/miniflux/miniflux:latest" uses the tag "latest"',
      "env DATABASE_URL is also the database's uri (from Secret miniflux-db-app)",
      'database.name "postgres" is reserved',
      'database.owner "Bad-Owner" must be a plain PostgreSQL identifier',
      "database.instances 0 must be a whole number, 1 or more",
      'database.imageName "ghcr.io/cloudnative-pg/postgresql" has no tag',
    ];
    for (const e of expected)
      expect(
        problems.some((p) => p.includes(e)),
        `${e}\n${problems.join("\n")}`,
      ).toBe(true);
  });

  it.skipIf(!crdsAvailable("the PostgresApp schema case"))(
    "renders manifests that pass the upstream schemas (CNPG CRDs) and the project's rules",
    () => {
      const targets = [
        PostgresBackupTarget.barmanCloudPlugin({ objectStore: "minio" }),
        PostgresBackupTarget.barmanObjectStore({ destinationPath: "s3://b/p", credentialsSecret: "s3" }),
        PostgresBackupTarget.volumeSnapshot(),
      ];
      for (const target of targets) {
        const { docs } = render(
          miniflux({
            env: { X: EnvValue.fromSecret("other", "k") },
            ingress: { subdomain: "rss" },
            storage: { size: Size.gibibytes(1), mountPath: "/data" },
            backup: { schedule: "0 0 3 * * *", target },
          }),
        );
        expect(docs.flatMap((d) => checkManifest(d))).toEqual([]);
      }
    },
  );
});
