/**
 * SOPS-encrypted Secrets: the one check of what "encrypted" means (used by
 * synth on the user's files and by the manifest checks on rendered output),
 * and the pure planning step that carries each file into the layer that
 * expects it and lists the Secrets still to create.
 */
import { type AgeRecipientRef, SOPS_VALUE, checkSopsFile } from "./sops-structure.js";
import { compareStrings } from "../model/order.js";
import type { Layer } from "./homelab-app.js";

/** A SOPS-encrypted file the user keeps outside dist/, carried into the layer that needs it. */
export interface SopsFile {
  /** Where it is, relative to the project root (for messages). */
  readonly path: string;
  /** Its text, exactly as sops wrote it. */
  readonly text: string;
}

export { SOPS_VALUE } from "./sops-structure.js";

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True when the document carries sops metadata with a MAC (what Flux needs to decrypt it). */
export function hasSopsMetadata(doc: Record<string, unknown>): boolean {
  return isMap(doc.sops) && typeof doc.sops.mac === "string" && doc.sops.mac !== "";
}

/** A problem with a Secret's encryption: the field path and what is wrong. */
export interface SecretProblem {
  readonly path: readonly string[];
  readonly message: string;
}

/**
 * Why a Secret document would put plaintext in git: `data`/`stringData` values are allowed only
 * when the document is SOPS-encrypted (a `sops` key with a `mac`, every value `ENC[AES256_GCM,data:...]`).
 * The one SOPS check: synth refuses a user's file with problems, the manifest checks use it on dist/.
 */
export function secretEncryptionProblems(doc: Record<string, unknown>): SecretProblem[] {
  const sops = hasSopsMetadata(doc);
  const problems: SecretProblem[] = [];
  for (const field of ["data", "stringData"] as const) {
    const values = doc[field];
    if (values === undefined || values === null) continue;
    if (!isMap(values)) {
      problems.push({ path: [field], message: "must be a map" });
      continue;
    }
    for (const [k, v] of Object.entries(values)) {
      if (typeof v === "string" && SOPS_VALUE.test(v)) {
        if (!sops)
          problems.push({
            path: [field, k],
            message: "looks SOPS-encrypted but the document has no sops metadata (sops.mac)",
          });
      } else {
        problems.push({
          path: [field, k],
          message: sops
            ? "plaintext value in a SOPS-encrypted Secret (check encrypted_regex)"
            : "plaintext secret value: encrypt the Secret with SOPS or reference it from elsewhere",
        });
      }
    }
  }
  return problems;
}

/**
 * Reads namespace/name of a SOPS-encrypted Secret, or lists why the file is not one (the structural
 * check of lib/k8s/sops-structure.ts; no message holds a value of the file).
 */
export function parseSopsSecret(
  file: SopsFile,
  recipients: readonly AgeRecipientRef[] = [],
): { namespace: string; name: string } | string[] {
  const checked = checkSopsFile(file.path, file.text, recipients);
  return checked.ok ? { namespace: checked.namespace, name: checked.name } : [...checked.problems];
}

/** A Secret the lab's layers expect the user to keep as a SOPS file. */
export interface ExpectedSecret {
  readonly namespace: string;
  readonly name: string;
  /** What it is for. */
  readonly purpose: string;
  /** Folder of the layer that reads it, under the output folder (e.g. `apps`). */
  readonly layerDir: string;
  /** Whether a SOPS file provides it. */
  readonly provided: boolean;
}

/** A SOPS file carried into a layer's folder. */
export interface CarriedFile {
  /** File name in the layer's folder: `<namespace>-<name>.sops.yaml`. */
  readonly name: string;
  readonly text: string;
}

/** Where the SOPS files go and what is still missing. */
export interface SopsPlan {
  /** Layer folder -> the files carried into it, in the order given. */
  readonly carried: ReadonlyMap<string, readonly CarriedFile[]>;
  /** Layer folders whose Kustomization decrypts (they expect or receive a SOPS file). */
  readonly decrypt: ReadonlySet<string>;
  /** Every expected Secret, sorted by namespace/name. */
  readonly expected: readonly ExpectedSecret[];
  /** Files that are not encrypted Secrets. */
  readonly problems: readonly string[];
}

/**
 * Plans the SOPS files: each goes to the layer that expects its Secret (or to `fallback`, the
 * apps layer, when none does), once it passes the structural check (encrypted for every one of
 * `recipients`). Pure: layers and files in, a plan out.
 */
export function planSops(
  layers: readonly Layer[],
  files: readonly SopsFile[],
  fallback: Layer,
  recipients: readonly AgeRecipientRef[] = [],
): SopsPlan {
  const problems: string[] = [];
  const carried = new Map<string, CarriedFile[]>();
  const provided = new Set<string>();
  for (const file of files) {
    const parsed = parseSopsSecret(file, recipients);
    if (Array.isArray(parsed)) {
      problems.push(...parsed);
      continue;
    }
    const key = `${parsed.namespace}/${parsed.name}`;
    provided.add(key);
    const layer = layers.find((l) => l.secrets.some((s) => `${s.namespace}/${s.name}` === key)) ?? fallback;
    carried.set(layer.dir, [
      ...(carried.get(layer.dir) ?? []),
      { name: `${parsed.namespace}-${parsed.name}.sops.yaml`, text: file.text },
    ]);
  }
  const decrypt = new Set(layers.filter((l) => l.secrets.length > 0 || carried.has(l.dir)).map((l) => l.dir));
  const expected = layers
    .flatMap((l) =>
      l.secrets.map((s) => ({ ...s, layerDir: l.dir, provided: provided.has(`${s.namespace}/${s.name}`) })),
    )
    .sort(
      (a, b) =>
        compareStrings(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`) ||
        compareStrings(a.layerDir, b.layerDir),
    );
  return { carried, decrypt, expected, problems };
}

/** The note for the Secrets still to create, or undefined when every expected one is provided. */
export function missingSecretsNote(
  expected: readonly ExpectedSecret[],
  layerOrder: readonly string[],
  options: { readonly outDir: string; readonly secretsDir: string },
): string | undefined {
  // Listed layer by layer, in the order Flux applies them (as synth always has).
  const missing = expected
    .filter((s) => !s.provided)
    .sort((a, b) => layerOrder.indexOf(a.layerDir) - layerOrder.indexOf(b.layerDir))
    .map(
      (s) =>
        `  ${s.namespace}/${s.name}: ${s.purpose}\n    -> ${options.secretsDir}/${s.namespace}-${s.name}.sops.yaml ` +
        `(carried into ${options.outDir}/${s.layerDir}/)`,
    );
  if (missing.length === 0) return undefined;
  const one = missing.length === 1;
  return (
    `${missing.length} Secret${one ? "" : "s"} the lab reads ${one ? "is" : "are"} ` +
    `not in ${options.secretsDir}/ yet; ` +
    "Flux reports the workloads unhealthy until they exist. Create each one SOPS-encrypted:\n" +
    missing.join("\n") +
    "\n  e.g. kubectl create secret generic NAME -n NAMESPACE --from-literal=KEY=VALUE --dry-run=client -o yaml \\\n" +
    "       | sops --encrypt --input-type yaml --output-type yaml /dev/stdin > FILE"
  );
}
