/**
 * SOPS-shaped Secret files built by hand (no sops binary here): the layout sops 3.9 writes for a
 * Kubernetes Secret with `encrypted_regex: ^(data|stringData)$`, encrypted for age recipients.
 * The recipients are real age public keys (made with age-keygen; nobody keeps the private keys).
 */

/** The cluster's recipient in the tests (as if its private key were in the sops-age Secret). */
export const CLUSTER_RECIPIENT = "age1ja2mfp2fvzvcgcjhv63x7rljltfkeusvqg8t8w709vdtdsg93dysxgpa7n";
/** An admin's recipient in the tests. */
export const ADMIN_RECIPIENT = "age12nlj770hn4ec3ug466m2uj6dy0vds9e37gfuk9cuh6pwmuvjs33s243j2q";

/** An encrypted value as sops writes it. */
const ENC =
  "ENC[AES256_GCM,data:Yk3x0aVh4Q==,iv:9dK2W1y0QpW0Z6m6Ww3b3kq8o1VhU2c2L0wP9A1xk9o=," +
  "tag:2Tq0m8mFf1n0yU3bq1a3Dg==,type:str]";

/** Options of {@link sopsSecret}. */
export interface SopsSecretOptions {
  readonly namespace: string;
  readonly name: string;
  /** stringData keys (values are written as ENC envelopes). @default ["password"] */
  readonly keys?: readonly string[];
  /** @default [CLUSTER_RECIPIENT] */
  readonly recipients?: readonly string[];
  /** The rule line under `sops:`. @default "encrypted_regex: ^(data|stringData)$" */
  readonly rule?: string;
}

/** A SOPS-encrypted Secret file's text and its project path `apps/secrets/<ns>-<name>.sops.yaml`. */
export function sopsSecret(o: SopsSecretOptions): { path: string; text: string } {
  const keys = o.keys ?? ["password"];
  const recipients = o.recipients ?? [CLUSTER_RECIPIENT];
  const age = recipients
    .map(
      (r) =>
        `        - recipient: ${r}\n          enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n` +
        "            YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOQ==\n            -----END AGE ENCRYPTED FILE-----\n",
    )
    .join("");
  const text =
    `apiVersion: v1\nkind: Secret\nmetadata:\n    name: ${o.name}\n    namespace: ${o.namespace}\ntype: Opaque\n` +
    `stringData:\n${keys.map((k) => `    ${k}: ${ENC}\n`).join("")}` +
    `sops:\n    age:\n${age}    lastmodified: "2026-11-01T10:00:00Z"\n` +
    "    mac: ENC[AES256_GCM,data:bWFjbWFj,iv:aXZpdg==,tag:dGFndGFn,type:str]\n" +
    `    ${o.rule ?? "encrypted_regex: ^(data|stringData)$"}\n    version: 3.9.4\n`;
  return { path: `apps/secrets/${o.namespace}-${o.name}.sops.yaml`, text };
}
