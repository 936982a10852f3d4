/**
 * The lab's SOPS age recipients (`kubernetes.flux.sopsAgeRecipients`): the public keys every SOPS file
 * in apps/secrets/ is encrypted for. `.sops.yaml` is checked against them (lib/cli/sops-config.ts), and
 * so is each SOPS file synth carries (lib/k8s/sops.ts).
 */
import { describeValue, type ProblemCollector, type SpecPath } from "./problems.js";

/** An age recipient: "age1" and 58 bech32 characters. */
export const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/** Validates the recipients at `path` (undefined means none); every problem goes to `c`. */
export function validateAgeRecipients(c: ProblemCollector, path: SpecPath, value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    c.error(path, `must be a list of age public keys, got ${describeValue(value)}`, 'Write ["age1..."].');
    return [];
  }
  const out: string[] = [];
  value.forEach((r: unknown, i) => {
    if (typeof r !== "string" || !AGE_RECIPIENT.test(r)) {
      c.error(
        [...path, i],
        `${describeValue(r)} is not an age public key ("age1" and 58 characters)`,
        "Use the public key `age-keygen` prints (`age-keygen -y key.txt` prints it again).",
      );
      return;
    }
    if (out.includes(r)) {
      c.error([...path, i], `"${r}" is listed twice`, "List each recipient once.");
      return;
    }
    out.push(r);
  });
  return out;
}
