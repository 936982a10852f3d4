/**
 * The lab's `.sops.yaml`: `init` writes one whose creation rule for apps/secrets/ names a placeholder
 * age recipient, and synth warns until it is replaced with a real one (`age-keygen`'s public key).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** The recipient `init` writes into .sops.yaml: not a key anyone holds. */
export const PLACEHOLDER_AGE_RECIPIENT = "age1replacewithyourownpublickeyfromagekeygenxxxxxxxxxxxxxxxxxxxxxx";

/** An age recipient: "age1" and 58 bech32 characters. */
const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/** Warnings about the lab's .sops.yaml (none when it is absent or names real recipients). */
export function sopsConfigWarnings(root: string): string[] {
  const file = path.join(root, ".sops.yaml");
  if (!fs.existsSync(file)) return [];
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    return [`.sops.yaml is not valid YAML (${e instanceof Error ? e.message.split("\n")[0] : String(e)}); fix it.`];
  }
  const rules = (doc as { creation_rules?: unknown } | null)?.creation_rules;
  if (!Array.isArray(rules)) return [];
  const warnings: string[] = [];
  rules.forEach((rule: unknown, i) => {
    const age = (rule as { age?: unknown } | null)?.age;
    if (typeof age !== "string") return;
    for (const recipient of age
      .split(",")
      .map((r) => r.trim())
      .filter((r) => r !== "")) {
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
  return warnings;
}
