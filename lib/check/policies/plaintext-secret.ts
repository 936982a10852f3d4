/**
 * `plaintext-secret` (error): no secret material in plain text in dist/. A literal value of an env var,
 * or a ConfigMap key, whose name looks like a credential (`*PASSWORD*`, `*PASSWD*`, `*PASSPHRASE*`,
 * `*TOKEN*`, `*SECRET*`, `*CREDENTIAL*`, `*API_KEY*`, `*PRIVATE_KEY*`, `*_KEY`, `KEY`) is an error;
 * so is a Secret rendered with values (dist/ is committed to git). References through `valueFrom` are
 * fine, and so is an empty value. Names that point at a credential rather than hold it (ending in
 * `_FILE`, `_PATH`, `_NAME`, `_REF`, or containing `PUBLIC`) are not credentials. Messages never
 * echo the value.
 */
import type { Check } from "../check.js";
import type { Finding } from "../finding.js";
import { findingAt } from "./at.js";
import { containerName, containersOf, isObject, podSpecs } from "./pods.js";

const CREDENTIAL = /PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|CREDENTIAL|API_?KEY|PRIVATE_?KEY|_KEY$|^KEY$/;
const POINTER = /(_FILE|_PATH|_NAME|_REF)$|PUBLIC/;

/** True when a variable or key named `name` looks like it holds a credential. */
export function looksLikeCredential(name: string): boolean {
  const n = name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  return CREDENTIAL.test(n) && !POINTER.test(n);
}

const ENV_FIX =
  "read it from a Secret: `EnvValue.fromSopsSecret(name, key, purpose)` (a SOPS file in apps/secrets/) or " +
  "`EnvValue.fromSecret(name, key)` for a Secret an operator makes (CloudNativePG's <cluster>-app)";

export const plaintextSecret: Check = {
  id: "plaintext-secret",
  doc: "no credential-like env var or ConfigMap key holds a literal value, and no Secret is rendered into dist/",
  severity: "error",
  skippable: true,
  run(ctx) {
    const findings: Finding[] = [];
    for (const pod of podSpecs(ctx.documents)) {
      for (const c of containersOf(pod)) {
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
    for (const source of ctx.documents) {
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
