/** The fixture lab (test/fixtures/lab) rendered in memory by the synth pipeline, and written to a temporary folder. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { HomelabApp } from "../../lib/k8s/homelab-app.js";
import { render } from "../../lib/synth/render.js";
import { homelab } from "../fixtures/lab/homelab.js";
import { defineKubernetes } from "../fixtures/lab/kubernetes.js";

/** Every file synth produces for the fixture lab (or `spec`), path -> text, rendered in memory. */
export function renderLab(
  spec: unknown = homelab,
  kubernetes: (app: HomelabApp) => void = defineKubernetes,
): Map<string, string> {
  return new Map(render({ spec, source: "apps/homelab.ts", kubernetes }).files);
}

/** Writes `files` into a new temporary folder and returns it; remove it with fs.rmSync. */
export function writeTree(files: ReadonlyMap<string, string>, prefix = "homelab-tree-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [p, text] of files) {
    fs.mkdirSync(path.join(dir, path.dirname(p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), text);
  }
  return dir;
}
