/**
 * `npm run schema`: writes schema/homelab.schema.json, the JSON Schema of a homelab spec written in YAML
 * or JSON, generated from the model's TypeScript types (HomelabSpec in lib/model/spec.ts) so that it
 * never drifts from them (test/spec-schema.test.ts regenerates it and compares). Editors read it
 * (`# yaml-language-server: $schema=...`, `"$schema"`) to complete and check a spec as it is typed.
 *
 * Descriptions are the types' doc comments. A `@default` reads `VALUE` or `VALUE - why`: when VALUE is
 * JSON it becomes the schema's `default`; every other default (`undefined - no VPN`, `the presets`)
 * is said in the description instead. `--check` compares instead of writing (exit 1 on a difference).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { homelabSchemaText } from "./schema-generate.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(repo, "schema/homelab.schema.json");
const text = homelabSchemaText(repo);
if (process.argv.includes("--check")) {
  const old = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
  if (old !== text) {
    process.stderr.write("schema/homelab.schema.json is not what the types give; run `npm run schema`\n");
    process.exitCode = 1;
  }
} else {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  process.stdout.write(`wrote schema/homelab.schema.json (${text.length} bytes)\n`);
}
