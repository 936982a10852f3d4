/**
 * The value of a container environment variable: plain text, or a key of a
 * Secret (never the secret's content: only its name and key appear in dist/).
 */
import type { k8s } from "cdk8s-plus-30";

/** Where a Secret an {@link EnvValue} reads comes from. */
export interface SecretSource {
  /** The Secret's name (in the workload's namespace). */
  readonly name: string;
  /** The key inside the Secret. */
  readonly key: string;
  /**
   * Set when the user keeps the Secret as a SOPS-encrypted file: what it is for.
   * The workload then registers it with its layer (synth carries the file into dist/, or warns that it is missing).
   */
  readonly sopsPurpose: string | undefined;
}

/** A container environment variable's value. */
export class EnvValue {
  /** A plain value, written into the manifest as is. Never use it for a password or a token. */
  static of(value: string): EnvValue {
    return new EnvValue(value, undefined);
  }

  /**
   * A key of a Secret that is made in the cluster, e.g. by an operator (CloudNativePG's `<cluster>-app`).
   * The pod waits until the Secret exists.
   */
  static fromSecret(name: string, key: string): EnvValue {
    return new EnvValue(undefined, { name, key, sopsPurpose: undefined });
  }

  /**
   * A key of a Secret the user keeps as a SOPS-encrypted file (`apps/secrets/<namespace>-<name>.sops.yaml`).
   * The Secret is registered with the workload's layer, so synth carries the encrypted file into dist/
   * (or warns, with the command that creates it, while it is missing) and Flux decrypts it.
   * @param purpose what the secret is for, shown in synth's warning, e.g. "Grafana admin password".
   */
  static fromSopsSecret(name: string, key: string, purpose: string): EnvValue {
    return new EnvValue(undefined, { name, key, sopsPurpose: purpose });
  }

  private constructor(
    /** The plain value, when this is not a Secret reference. */
    readonly value: string | undefined,
    /** The Secret key, when this is a Secret reference. */
    readonly secret: SecretSource | undefined,
  ) {}

  /** The Kubernetes `EnvVar` named `name`. */
  toEnvVar(name: string): k8s.EnvVar {
    if (this.secret === undefined) return { name, value: this.value ?? "" };
    return { name, valueFrom: { secretKeyRef: { name: this.secret.name, key: this.secret.key } } };
  }
}

/** Environment variables as props take them: a plain string is the same as {@link EnvValue.of}. */
export type EnvMap = Readonly<Record<string, string | EnvValue>>;

/** Normalizes an {@link EnvMap} to EnvValues, keeping the declaration order (`$(VAR)` references depend on it). */
export function envValues(env: EnvMap | undefined): [string, EnvValue][] {
  return Object.entries(env ?? {}).map(([k, v]) => [k, typeof v === "string" ? EnvValue.of(v) : v]);
}
