/**
 * The lab's `.sops.yaml`: checked, never written, by synth and `check`. It is a hand-kept file at the
 * project's root, outside what synth owns (dist/ and nix/: lib/synth/write.ts never writes anything
 * else), so synth does not generate it; `init` scaffolds one (a placeholder age recipient), and synth
 * warns until it fits the model:
 * - its first creation rule that matches a new file of the secrets folder
 *   (`apps/secrets/<namespace>-<name>.sops.yaml`) exists, so `sops --encrypt` of it just works;
 * - the rule encrypts `data`/`stringData` and leaves `apiVersion`/`kind`/`metadata` in plain text
 *   (`encrypted_regex: ^(data|stringData)$`), as Flux's kustomize-controller needs;
 * - it names every age recipient of the model (`kubernetes.flux.sopsAgeRecipients`), and no placeholder.
 * Each warning that a rule is missing or wrong shows the rule to write ({@link sopsCreationRule}).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ENCRYPTED_REGEX, encryptedByRules } from "../k8s/sops-structure.js";
import { Homelab, HomelabValidationError } from "../model/index.js";
import { AGE_RECIPIENT } from "../model/sops-recipients.js";
import { LabConfigError } from "./config.js";
import { labSpec } from "./definition.js";
import { DEFAULT_SECRETS_DIR, type Lab } from "./lab.js";

/** The recipient `init` writes into .sops.yaml: not a key anyone holds. */
export const PLACEHOLDER_AGE_RECIPIENT = "age1replacewithyourownpublickeyfromagekeygenxxxxxxxxxxxxxxxxxxxxxx";

/** Options of {@link sopsConfigWarnings}. */
export interface SopsConfigOptions {
  /**
   * The model's age recipients (`kubernetes.flux.sopsAgeRecipients`).
   * @default [] - only placeholders and malformed recipients are reported
   */
  readonly recipients?: readonly string[];
  /**
   * The lab's folder of SOPS files, relative to its root.
   * @default "apps/secrets"
   */
  readonly secretsDir?: string;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The creation rule for the secrets folder, as YAML lines of `.sops.yaml` (what synth's warnings suggest). */
export function sopsCreationRule(recipients: readonly string[], secretsDir = "apps/secrets"): string {
  return [
    "creation_rules:",
    `  - path_regex: ^${escapeRegex(secretsDir)}/.*\\.sops\\.yaml$`,
    `    encrypted_regex: ${ENCRYPTED_REGEX}`,
    `    age: ${recipients.length === 0 ? PLACEHOLDER_AGE_RECIPIENT : recipients.join(",")}`,
  ].join("\n");
}

/** The age recipients of a creation rule: `age` as a comma-separated string or a list, and its key groups'. */
function ruleRecipients(rule: Record<string, unknown>): string[] {
  const list = (v: unknown): string[] =>
    typeof v === "string"
      ? v.split(",").map((r) => r.trim())
      : Array.isArray(v)
        ? v.filter((r): r is string => typeof r === "string").map((r) => r.trim())
        : [];
  const groups = Array.isArray(rule.key_groups) ? rule.key_groups : [];
  return [
    ...list(rule.age),
    ...groups.flatMap((g) => (typeof g === "object" && g !== null ? list((g as { age?: unknown }).age) : [])),
  ].filter((r) => r !== "");
}

/** Warnings about the lab's .sops.yaml against the model (see the module doc). Reads only `<root>/.sops.yaml`. */
export function sopsConfigWarnings(root: string, options: SopsConfigOptions = {}): string[] {
  const recipients = options.recipients ?? [];
  const secretsDir = options.secretsDir ?? "apps/secrets";
  const suggestion = `; it should hold:\n${sopsCreationRule(recipients, secretsDir)
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n")}`;
  const file = path.join(root, ".sops.yaml");
  if (!fs.existsSync(file)) {
    return recipients.length === 0
      ? []
      : [
          `.sops.yaml is missing, so \`sops --encrypt\` of a new file in ${secretsDir}/ does not know the lab's ` +
            `recipients (kubernetes.flux.sopsAgeRecipients)${suggestion}`,
        ];
  }
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    return [
      `.sops.yaml is not valid YAML${pos === undefined ? "" : ` (line ${pos.line}, column ${pos.col})`}; fix it.`,
    ];
  }
  const rules = (doc as { creation_rules?: unknown } | null)?.creation_rules;
  if (!Array.isArray(rules)) {
    return recipients.length === 0 ? [] : [`.sops.yaml has no creation_rules${suggestion}`];
  }
  const warnings: string[] = [];
  rules.forEach((rule: unknown, i) => {
    if (typeof rule !== "object" || rule === null) return;
    for (const recipient of ruleRecipients(rule as Record<string, unknown>)) {
      if (recipient === PLACEHOLDER_AGE_RECIPIENT) {
        warnings.push(
          `.sops.yaml: creation_rules[${i}].age is still the placeholder recipient written by init; ` +
            "replace it with your age public key (`age-keygen -o key.txt` prints it) before you encrypt secrets.",
        );
      } else if (!AGE_RECIPIENT.test(recipient)) {
        warnings.push(
          `.sops.yaml: creation_rules[${i}].age "${recipient}" is not an age recipient (age1 and 58 characters); ` +
            "replace it with your age public key.",
        );
      }
    }
  });
  if (recipients.length === 0) return warnings;

  // sops takes the first rule whose path_regex matches the file (a rule without one matches every file).
  const sample = `${secretsDir}/default-example.sops.yaml`;
  const index = rules.findIndex((rule: unknown) => {
    if (typeof rule !== "object" || rule === null) return false;
    const re = (rule as { path_regex?: unknown }).path_regex;
    if (re === undefined) return true;
    try {
      return typeof re === "string" && new RegExp(re).test(sample);
    } catch {
      return false;
    }
  });
  if (index < 0) {
    warnings.push(`.sops.yaml: no creation rule matches a new file of ${secretsDir}/ (e.g. ${sample})${suggestion}`);
    return warnings;
  }
  const rule = rules[index] as Record<string, unknown>;
  const at = `.sops.yaml: creation_rules[${index}]`;
  const covers = (["data", "stringData"] as const).every((k) => encryptedByRules(rule, k) === true);
  const plain = (["apiVersion", "kind", "metadata"] as const).every((k) => encryptedByRules(rule, k) === false);
  if (!covers || !plain) {
    warnings.push(
      `${at} (the rule for ${secretsDir}/) must encrypt data and stringData and leave apiVersion, kind and ` +
        `metadata in plain text for Flux; set encrypted_regex: ${ENCRYPTED_REGEX}${suggestion}`,
    );
  }
  const named = new Set(ruleRecipients(rule));
  recipients.forEach((r, i) => {
    if (!named.has(r)) {
      warnings.push(
        `${at} (the rule for ${secretsDir}/) does not name ${r} (kubernetes.flux.sopsAgeRecipients[${i}]), so new ` +
          `files are not encrypted for it${suggestion}`,
      );
    }
  });
  return warnings;
}

/** The {@link SopsConfigOptions} of a loaded lab: its model's recipients (if its spec is valid), its secrets folder. */
export function sopsConfigOptions(lab: { readonly root?: string; readonly definition: Lab }): SopsConfigOptions {
  const { homelab } = Homelab.validate(specOrUndefined(lab.root ?? process.cwd(), lab.definition));
  return {
    recipients: homelab?.kubernetesOptions?.flux.sopsAgeRecipients ?? [],
    secretsDir: lab.definition.secretsDir ?? DEFAULT_SECRETS_DIR,
  };
}

/** The lab's spec, or undefined when its spec file does not load (synth and check report that themselves). */
function specOrUndefined(root: string, lab: Lab): unknown {
  try {
    return labSpec(root, lab).spec;
  } catch (e) {
    if (e instanceof HomelabValidationError || e instanceof LabConfigError) return undefined;
    throw e;
  }
}
