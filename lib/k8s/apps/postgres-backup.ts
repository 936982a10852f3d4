/**
 * Where CloudNativePG writes a cluster's backups. A ScheduledBackup alone does
 * nothing: the Cluster must name a target, and each target pairs with its
 * backup method. This value type keeps the two together.
 */
import {
  ScheduledBackupSpecMethod,
  type ClusterSpecBackup,
  type ClusterSpecPlugins,
  type ScheduledBackupSpecPluginConfiguration,
} from "../../../imports/postgresql.cnpg.io.js";
import { Retention, retentionProblem } from "./retention.js";
import { isRfc1123Subdomain } from "../../model/names.js";
import { describeValue } from "../../model/problems.js";

/** Options for {@link PostgresBackupTarget.barmanCloudPlugin}. */
export interface BarmanCloudPluginOptions {
  /**
   * Name of the `ObjectStore` (barmancloud.cnpg.io/v1) in the app's namespace that says where backups go
   * and which Secret holds the credentials. Create it next to the app; this construct does not.
   */
  readonly objectStore: string;
  /**
   * Name the plugin registered with the operator.
   * @default "barman-cloud.cloudnative-pg.io"
   */
  readonly pluginName?: string;
}

/** Options for {@link PostgresBackupTarget.barmanObjectStore}. */
export interface BarmanObjectStoreOptions {
  /** Where backups go, e.g. `s3://backups/postgres`. */
  readonly destinationPath: string;
  /**
   * S3 endpoint of a self-hosted store (MinIO, Garage), e.g. `https://s3.example.com`.
   * @default undefined - AWS S3
   */
  readonly endpointUrl?: string;
  /**
   * Secret (in the app's namespace, kept as a SOPS file) with the keys `ACCESS_KEY_ID` and `ACCESS_SECRET_KEY`.
   * It is registered with the layer, so synth warns until the encrypted file exists.
   */
  readonly credentialsSecret: string;
  /**
   * How long backups are kept, e.g. `Retention.weeks(4)`.
   * @default Retention.days(30)
   */
  readonly retentionPolicy?: Retention;
}

/** Options for {@link PostgresBackupTarget.volumeSnapshot}. */
export interface VolumeSnapshotOptions {
  /**
   * The VolumeSnapshotClass (e.g. Longhorn's).
   * @default undefined - the cluster's default VolumeSnapshotClass
   */
  readonly className?: string;
}

/** Where a PostgresApp's backups go, and with which method. */
export class PostgresBackupTarget {
  /**
   * The Barman Cloud plugin (CloudNativePG's recommended way since 1.26): WAL archiving and base backups to
   * the object store described by an `ObjectStore` resource. Needs the plugin installed next to the operator.
   */
  static barmanCloudPlugin(options: BarmanCloudPluginOptions): PostgresBackupTarget {
    const name = options.pluginName ?? "barman-cloud.cloudnative-pg.io";
    return new PostgresBackupTarget(
      ScheduledBackupSpecMethod.PLUGIN,
      { plugins: [{ name, isWalArchiver: true, parameters: { barmanObjectName: options.objectStore } }] },
      { name },
      [],
      typeof options.objectStore !== "string" || !isRfc1123Subdomain(options.objectStore)
        ? [
            `backup.target: barmanCloudPlugin needs the name of an ObjectStore, got ${describeValue(options.objectStore)}`,
          ]
        : [],
    );
  }

  /**
   * The operator's built-in Barman Cloud support (`spec.backup.barmanObjectStore`): self-contained, but
   * deprecated upstream in favour of {@link barmanCloudPlugin}.
   */
  static barmanObjectStore(options: BarmanObjectStoreOptions): PostgresBackupTarget {
    const secret = options.credentialsSecret;
    const problems: string[] = [];
    if (typeof options.destinationPath !== "string" || !/^[a-z0-9]+:\/\/\S+$/.test(options.destinationPath)) {
      problems.push(
        `backup.target: destinationPath "${options.destinationPath}" must be a URL like "s3://bucket/path"`,
      );
    }
    if (typeof secret !== "string" || !isRfc1123Subdomain(secret)) {
      problems.push(`backup.target: credentialsSecret ${describeValue(secret)} is not a Secret name`);
    }
    if (
      options.endpointUrl !== undefined &&
      (typeof options.endpointUrl !== "string" || !/^https?:\/\/\S+$/.test(options.endpointUrl))
    ) {
      problems.push(
        `backup.target: endpointUrl ${describeValue(options.endpointUrl)} must be a URL like "https://s3.example.com"`,
      );
    }
    const retention = options.retentionPolicy ?? Retention.days(30);
    const retentionIssue = retentionProblem("backup.target: retentionPolicy", retention);
    if (retentionIssue !== undefined) problems.push(retentionIssue);
    return new PostgresBackupTarget(
      ScheduledBackupSpecMethod.BARMAN_OBJECT_STORE,
      {
        backup: {
          retentionPolicy: String(retention),
          barmanObjectStore: {
            destinationPath: options.destinationPath,
            ...(options.endpointUrl !== undefined ? { endpointUrl: options.endpointUrl } : {}),
            s3Credentials: {
              accessKeyId: { name: secret, key: "ACCESS_KEY_ID" },
              secretAccessKey: { name: secret, key: "ACCESS_SECRET_KEY" },
            },
          },
        },
      },
      undefined,
      [{ name: secret, purpose: "S3 credentials for PostgreSQL backups (keys ACCESS_KEY_ID, ACCESS_SECRET_KEY)" }],
      problems,
    );
  }

  /**
   * CSI volume snapshots of the data volume (Longhorn can take them). Needs the external snapshot
   * controller and a VolumeSnapshotClass in the cluster; k3s ships neither.
   */
  static volumeSnapshot(options: VolumeSnapshotOptions = {}): PostgresBackupTarget {
    return new PostgresBackupTarget(
      ScheduledBackupSpecMethod.VOLUME_SNAPSHOT,
      { backup: { volumeSnapshot: options.className !== undefined ? { className: options.className } : {} } },
      undefined,
      [],
      [],
    );
  }

  private constructor(
    /** The ScheduledBackup's `method`. */
    readonly method: ScheduledBackupSpecMethod,
    /** What the Cluster's spec needs for this target. */
    readonly clusterSpec: { readonly backup?: ClusterSpecBackup; readonly plugins?: ClusterSpecPlugins[] },
    /** The ScheduledBackup's `pluginConfiguration`, for the plugin method. */
    readonly pluginConfiguration: ScheduledBackupSpecPluginConfiguration | undefined,
    /** Secrets the user keeps as SOPS files for this target. */
    readonly secrets: readonly { readonly name: string; readonly purpose: string }[],
    /** Problems with the options, reported at synth. */
    readonly problems: readonly string[],
  ) {}
}
