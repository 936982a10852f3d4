/**
 * `plaintext-secret` (error): no secret material in plain text in dist/. A literal value of an env var,
 * or a ConfigMap key, whose name looks like a credential (`*PASSWORD*`, `*PASSWD*`, `*PASSPHRASE*`,
 * `*TOKEN*`, `*SECRET*`, `*CREDENTIAL*`, `*API_KEY*`, `*PRIVATE_KEY*`, `*_KEY`, `KEY`) is an error;
 * so is a Secret rendered with values (dist/ is committed to git). References through `valueFrom` are
 * fine, and so is an empty value. Names that point at a credential rather than hold it (ending in
 * `_FILE`, `_PATH`, `_NAME`, `_REF`, or containing `PUBLIC`) are not credentials. Messages never
 * echo the value.
 *
 * A HelmRelease's `spec.values` are committed too: a string under a credential-like key
 * (`adminPassword`, `apiToken`, `clientSecret`; camelCase counts as words) or an env-like
 * `{ name: "DB_PASSWORD", value: "..." }` is an error. Keys that name a Secret or a key of one
 * (`existingSecret`, `passwordKey`, `secretName`, a `secretKeyRef`'s `key`) and Flux substitutions (`${VAR}`) are not.
 */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { Finding } from "../finding.js";
import { jsonPath, type Segments } from "../references/lab.js";
import { findingAt } from "./at.js";
import { containerName, isObject } from "./pods.js";

const CREDENTIAL = /PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|CREDENTIAL|API_?KEY|PRIVATE_?KEY|_KEY$|^KEY$/;
const POINTER = /(_FILE|_PATH|_NAME|_REF)$|PUBLIC/;

/** True when a variable or key named `name` looks like it holds a credential. */
export function looksLikeCredential(name: string): boolean {
  const n = name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  return CREDENTIAL.test(n) && !POINTER.test(n);
}

/**
 * Keys of chart values that name a Secret, or a key in one, rather than hold a credential: `existingSecret`,
 * `passwordKey`, `userKey`, and the `key` of a `secretKeyRef`.
 */
const VALUES_POINTER = /(^|_)EXISTING(_|$)|(PASSWORD|PASSWD|PASSPHRASE|TOKEN|USER|USERNAME|EMAIL)_KEY$|^KEY$/;
/** A value Flux's post-build substitution fills in: `${VAR}` or `${VAR:=default}`. */
const SUBSTITUTION = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-=][^}]*)?\}$/;

/** True when a chart value under `key` (camelCase or not) looks like it holds a credential. */
export function looksLikeCredentialValueKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_");
  return looksLikeCredential(words) && !VALUES_POINTER.test(words);
}

/** A literal credential: a non-empty string that is not a Flux substitution. */
function isLiteral(value: unknown): value is string {
  return typeof value === "string" && value !== "" && !SUBSTITUTION.test(value);
}

/** Where in chart values a credential is held literally: `[path, key]` pairs, depth first. */
function valuesCredentials(value: unknown, at: Segments, out: [Segments, string][]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => valuesCredentials(v, [...at, i], out));
    return;
  }
  if (!isObject(value)) return;
  // An env-like entry: { name: "DB_PASSWORD", value: "..." }.
  if (typeof value.name === "string" && looksLikeCredential(value.name) && isLiteral(value.value)) {
    out.push([[...at, "value"], value.name]);
  }
  for (const [k, v] of Object.entries(value)) {
    if (isLiteral(v)) {
      if (k !== "value" && looksLikeCredentialValueKey(k)) out.push([[...at, k], k]);
    } else if (typeof v === "object" && v !== null) valuesCredentials(v, [...at, k], out);
  }
}

const VALUES_FIX =
  "keep it in a SOPS-encrypted Secret in apps/secrets/ and point the chart at it (most charts take an " +
  "`existingSecret`), or pass it with the HelmRelease's `valuesFrom` a Secret";

const ENV_FIX =
  "read it from a Secret: `EnvValue.fromSopsSecret(name, key, purpose)` (a SOPS file in apps/secrets/) or " +
  "`EnvValue.fromSecret(name, key)` for a Secret an operator makes (CloudNativePG's <cluster>-app)";

export const plaintextSecret: Check = {
  id: "plaintext-secret",
  doc: "no credential-like env var, ConfigMap key or chart value holds a literal value, and no Secret is rendered into dist/",
  severity: "error",
  skippable: true,
  run(ctx) {
    const findings: Finding[] = [];
    const index = documentIndex(ctx);
    for (const pod of index.podSpecs) {
      for (const c of index.containers(pod)) {
        const env = Array.isArray(c.container.env) ? c.container.env : [];
        env.forEach((e, i) => {
          if (!isObject(e) || typeof e.name !== "string" || !looksLikeCredential(e.name)) return;
          if (typeof e.value !== "string" || e.value === "") return;
          findings.push(
            findingAt(
              plaintextSecret,
              pod.source,
              `${c.path}.env[${i}].value`,
              `${containerName(c)} sets ${e.name} to a literal value, which would be committed in plain text`,
              ENV_FIX,
            ),
          );
        });
      }
    }
    for (const source of documentIndex(ctx).ofKinds("ConfigMap", "HelmRelease", "Secret")) {
      const { doc } = source;
      if (doc.kind === "ConfigMap") {
        for (const field of ["data", "binaryData"] as const) {
          const values = doc[field];
          if (!isObject(values)) continue;
          for (const [key, value] of Object.entries(values)) {
            if (!looksLikeCredential(key) || value === "" || value === undefined || value === null) continue;
            findings.push(
              findingAt(
                plaintextSecret,
                source,
                `${field}["${key}"]`,
                `the ConfigMap key ${key} holds a literal value, which would be committed in plain text`,
                `keep it in a Secret instead: a SOPS file in apps/secrets/ (${ENV_FIX.slice(ENV_FIX.indexOf("`"))})`,
              ),
            );
          }
        }
      }
      if (doc.kind === "HelmRelease" && doc.apiVersion.startsWith("helm.toolkit.fluxcd.io/")) {
        const spec = doc.spec;
        const held: [Segments, string][] = [];
        if (isObject(spec)) valuesCredentials(spec.values, ["spec", "values"], held);
        for (const [path, key] of held) {
          findings.push(
            findingAt(
              plaintextSecret,
              source,
              jsonPath(path),
              `the chart value ${key} holds a literal credential, which would be committed in plain text`,
              VALUES_FIX,
            ),
          );
        }
      }
      if (doc.kind === "Secret") {
        for (const field of ["data", "stringData"] as const) {
          const values = doc[field];
          if (!isObject(values)) continue;
          for (const key of Object.keys(values)) {
            findings.push(
              findingAt(
                plaintextSecret,
                source,
                `${field}["${key}"]`,
                "a Secret with values is rendered into dist/, which is committed in plain text",
                "keep the Secret SOPS-encrypted in apps/secrets/ (synth carries it into dist/) " +
                  "or let an operator make it",
              ),
            );
          }
        }
      }
    }
    return findings;
  },
};
