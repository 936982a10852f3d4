/**
 * The structural check of a SOPS-encrypted Secret file, without the key: everything Flux needs to
 * decrypt and apply it. A file is refused, with every problem at once, when
 * - it is not YAML, not a Secret, or lacks metadata.name/namespace (or they are encrypted);
 * - it has no `sops` metadata (a plaintext file), no `sops.mac`, or no recipient to decrypt it;
 * - it has sops metadata but no values (a metadata-only file);
 * - its rules (`encrypted_regex`, `unencrypted_regex`, `encrypted_suffix`, `unencrypted_suffix`) do not
 *   cover `data`/`stringData`, or would encrypt `apiVersion`/`kind`/`metadata` (kustomize-controller
 *   cannot read those encrypted);
 * - a `data`/`stringData` value is not an `ENC[AES256_GCM,...]` envelope;
 * - it is not encrypted for one of the model's age recipients (`kubernetes.flux.sopsAgeRecipients`).
 * No message ever holds a value of the file: only its path, field names and recipients (public keys).
 */
import { parse } from "yaml";

/** A value sops encrypted (AES256-GCM envelope). */
export const SOPS_VALUE = /^ENC\[AES256_GCM,data:.*\]$/;

/** The fields of a Secret that hold its values. */
const VALUE_FIELDS = ["data", "stringData"] as const;
/** What kustomize-controller must read in plain text. */
const PLAIN_FIELDS = ["apiVersion", "kind", "metadata"] as const;
/** The sops metadata keys that name who can decrypt. */
const KEY_SOURCES = ["age", "pgp", "kms", "gcp_kms", "azure_kv", "hc_vault", "key_groups"] as const;

/** The rule that fits a Secret: what `.sops.yaml` should say and what the fixes name. */
export const ENCRYPTED_REGEX = "^(data|stringData)$";

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The file's parsed document and the Secret's place, or the problems that stop it. */
export type SopsStructure =
  | { readonly ok: true; readonly namespace: string; readonly name: string }
  | { readonly ok: false; readonly problems: readonly string[] };

/** A model recipient, with the spec path that names it. */
export interface AgeRecipientRef {
  readonly recipient: string;
  /** E.g. `kubernetes.flux.sopsAgeRecipients[0]`. */
  readonly path: string;
}

/** Whether sops encrypts a top-level `key` under the file's rules; a string when a rule cannot be read. */
export function encryptedByRules(sops: Record<string, unknown>, key: string): boolean | string {
  const regex = (name: string): RegExp | string | undefined => {
    const v = sops[name];
    if (v === undefined || v === "") return undefined;
    if (typeof v !== "string") return `sops.${name} is not a string`;
    try {
      return new RegExp(v);
    } catch {
      return `sops.${name} is not a regular expression this check can read`;
    }
  };
  const enc = regex("encrypted_regex");
  if (typeof enc === "string") return enc;
  if (enc !== undefined) return enc.test(key);
  const unenc = regex("unencrypted_regex");
  if (typeof unenc === "string") return unenc;
  if (unenc !== undefined) return !unenc.test(key);
  if (typeof sops.encrypted_suffix === "string" && sops.encrypted_suffix !== "")
    return key.endsWith(sops.encrypted_suffix);
  const suffix = typeof sops.unencrypted_suffix === "string" ? sops.unencrypted_suffix : "_unencrypted";
  return !(suffix !== "" && key.endsWith(suffix));
}

function hasRecipients(sops: Record<string, unknown>): boolean {
  return KEY_SOURCES.some((k) => Array.isArray(sops[k]) && (sops[k] as unknown[]).length > 0);
}

function ageRecipientsOf(sops: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const collect = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const e of list) if (isMap(e) && typeof e.recipient === "string") out.add(e.recipient);
  };
  collect(sops.age);
  if (Array.isArray(sops.key_groups)) for (const g of sops.key_groups) if (isMap(g)) collect(g.age);
  return out;
}

/** Checks one SOPS file's text (see the module doc). Pure; never echoes a value of the file. */
export function checkSopsFile(path: string, text: string, recipients: readonly AgeRecipientRef[] = []): SopsStructure {
  let doc: unknown;
  try {
    // No unique-key pass: yaml's is quadratic in the number of keys (a 2 MB file took ~55 s).
    doc = parse(text, { uniqueKeys: false });
  } catch (e) {
    const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const where = pos === undefined ? "" : ` at line ${pos.line}, column ${pos.col}`;
    return { ok: false, problems: [`${path}: not valid YAML${where}; fix the file (or encrypt it again with sops)`] };
  }
  const sops = isMap(doc) && isMap(doc.sops) ? doc.sops : undefined;
  const wantedRule = `.sops.yaml's encrypted_regex: ${ENCRYPTED_REGEX}`;
  const encryptFix = `encrypt it with \`sops --encrypt --in-place ${path}\` (with ${wantedRule})`;
  if (!isMap(doc) || (doc.kind !== "Secret" && !(typeof doc.kind === "string" && SOPS_VALUE.test(doc.kind)))) {
    return { ok: false, problems: [`${path}: not a Kubernetes Secret (kind: Secret)`] };
  }
  const problems: string[] = [];
  const p = (field: string, message: string) => problems.push(`${path}: ${field}: ${message}`);
  if (sops !== undefined) {
    for (const field of PLAIN_FIELDS) {
      const rule = encryptedByRules(sops, field);
      if (rule === true || (typeof doc[field] === "string" && SOPS_VALUE.test(doc[field] as string))) {
        p(
          field,
          "is encrypted (or the file's sops rules encrypt it), which kustomize-controller cannot read; " +
            `encrypt only data and stringData: encrypted_regex: ${ENCRYPTED_REGEX} in .sops.yaml, ` +
            "then encrypt the file again",
        );
        break;
      }
    }
  }
  const meta = isMap(doc.metadata) ? doc.metadata : {};
  const name = meta.name;
  const namespace = meta.namespace;
  if (
    typeof name !== "string" ||
    typeof namespace !== "string" ||
    SOPS_VALUE.test(name) ||
    SOPS_VALUE.test(namespace)
  ) {
    problems.push(
      `${path}: the Secret needs metadata.name and metadata.namespace in plain text (so synth knows where it goes)`,
    );
  }
  if (sops === undefined) {
    const plain = VALUE_FIELDS.flatMap((f) => (isMap(doc[f]) ? Object.keys(doc[f]).map((k) => `${f}.${k}`) : []));
    const held = plain.length === 0 ? "" : `, plaintext values at ${plain.join(", ")}`;
    problems.unshift(
      `${path}: is not SOPS-encrypted (no sops metadata${held}); ${encryptFix} before synth carries it into dist/`,
    );
    return { ok: false, problems };
  }
  if (typeof sops.mac !== "string" || sops.mac === "") {
    p("sops.mac", `is missing: sops writes it when it encrypts; ${encryptFix}`);
  } else if (!SOPS_VALUE.test(sops.mac)) {
    p("sops.mac", `is not an encrypted MAC (ENC[AES256_GCM,...]); ${encryptFix}`);
  }
  if (!hasRecipients(sops)) {
    p("sops", "names no recipient (age, pgp, kms, ...), so nothing can decrypt it; encrypt it again with sops");
  }
  let values = 0;
  for (const field of VALUE_FIELDS) {
    const map = doc[field];
    if (map === undefined || map === null) continue;
    if (!isMap(map)) {
      p(field, "must be a map of keys to encrypted values");
      continue;
    }
    const keys = Object.keys(map);
    values += keys.length;
    if (keys.length === 0) continue;
    const rule = encryptedByRules(sops, field);
    if (typeof rule === "string") p(field, `${rule}; use encrypted_regex: ${ENCRYPTED_REGEX}`);
    else if (!rule) {
      p(
        field,
        "is not covered by the file's sops rules (encrypted_regex, unencrypted_regex, encrypted_suffix, " +
          "unencrypted_suffix), so sops left it in plain text; " +
          `use encrypted_regex: ${ENCRYPTED_REGEX} and encrypt again`,
      );
    }
    for (const k of keys) {
      const v = map[k];
      if (typeof v === "string" && SOPS_VALUE.test(v)) continue;
      p(`${field}.${k}`, `is a plaintext value, not ENC[AES256_GCM,...]; ${encryptFix}`);
    }
  }
  if (values === 0) {
    problems.push(
      `${path}: has sops metadata but no encrypted data (no data or stringData values); ` +
        "put the Secret's keys in it and encrypt them with sops",
    );
  }
  const have = ageRecipientsOf(sops);
  for (const r of recipients) {
    if (have.has(r.recipient)) continue;
    p(
      "sops.age",
      `is not encrypted for ${r.recipient} (${r.path}), which then cannot decrypt it; ` +
        `run \`sops updatekeys ${path}\` after .sops.yaml names every recipient`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, namespace: namespace as string, name: name as string };
}
