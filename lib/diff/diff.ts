/**
 * `diffLab`: what a change of the lab does, from two generated trees (path -> text), e.g.
 * the committed files and a fresh in-memory render. Pure: no disk, no process.
 */
import { compareStrings } from "../model/order.js";
import { fluxLayers, resourceKey, type FluxLayer } from "./documents.js";
import { diffKubernetes } from "./kubernetes.js";
import { diffNix, VARS_PATH } from "./nix-side.js";
import type { FileNote, LabDiff } from "./types.js";
import { dataLossWarnings, k3sWarnings, loadBalancerWarnings } from "./warnings.js";

function layersOrNote(files: ReadonlyMap<string, string>, when: string, notes: FileNote[]): FluxLayer[] {
  try {
    return fluxLayers(files);
  } catch (e) {
    notes.push({ file: "dist/bootstrap", note: `${when}: ${(e as Error).message}; prune warnings may be missing` });
    return [];
  }
}

/**
 * Compares two generated trees: `before` (e.g. as committed) and `after` (e.g. rendered now),
 * both project-relative path -> text of the files synth writes (`dist/**`, `nix/**`,
 * `synth-manifest.json`). Files that cannot be read are named in `notes`, never thrown.
 */
export function diffLab(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): LabDiff {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const [path, text] of after) {
    const old = before.get(path);
    if (old === undefined) added.push(path);
    else if (old !== text) changed.push(path);
  }
  for (const path of before.keys()) if (!after.has(path)) removed.push(path);
  for (const list of [added, removed, changed]) list.sort(compareStrings);
  const differing = [...added, ...removed, ...changed].sort(compareStrings);

  const k8s = diffKubernetes(before, after, differing);
  const notes: FileNote[] = [...k8s.notes];
  const nix = diffNix(before, after, differing, notes);

  const prunable = k8s.changes.some((c) => c.change === "removed");
  const layersBefore = prunable ? layersOrNote(before, "before", notes) : [];
  const layersAfter = prunable ? layersOrNote(after, "after", notes) : [];
  const warnings = [
    ...dataLossWarnings(k8s.changes, layersBefore, layersAfter),
    ...loadBalancerWarnings(nix.nix.lab, k8s.changes, k8s.before, k8s.after, resourceKey),
    ...k3sWarnings(nix.nix.hosts, nix.varsBefore, nix.varsAfter),
  ];

  // Files whose text changed with no visible effect (a header, formatting), so the diff never looks empty.
  const touched = new Set<string>();
  for (const c of k8s.changes) {
    touched.add(c.file);
    if (c.fromFile !== undefined) touched.add(c.fromFile);
  }
  const explained = new Set(notes.map((n) => n.file));
  for (const path of changed) {
    if (touched.has(path) || explained.has(path)) continue;
    if (path.endsWith(".yaml") || path.endsWith(".yml")) {
      notes.push({ file: path, note: "text changed (comments or formatting) but no resource did" });
    } else if (path.endsWith(".nix")) {
      const host = /^nix\/hosts\/([^/]+)\//.exec(path)?.[1];
      const shown =
        host !== undefined
          ? nix.nix.hosts.some((h) => h.hostname === host)
          : path !== VARS_PATH ||
            nix.nix.lab.length > 0 ||
            nix.nix.hosts.some(
              (h) =>
                h.change !== "changed" ||
                h.k3s !== undefined ||
                h.fields.length + h.firewall.opened.length + h.firewall.closed.length > 0,
            );
      if (!shown) notes.push({ file: path, note: "text changed (comments or formatting) but no value did" });
    } else if (path !== "synth-manifest.json") {
      notes.push({ file: path, note: "changed" });
    }
  }
  for (const [list, note] of [
    [added, "added"],
    [removed, "removed"],
  ] as const) {
    for (const path of list) {
      if (!/\.(ya?ml|nix)$/.test(path) && path !== "synth-manifest.json") notes.push({ file: path, note });
    }
  }
  notes.sort((a, b) => compareStrings(a.file, b.file) || compareStrings(a.note, b.note));
  return { files: { added, removed, changed }, kubernetes: k8s.changes, nix: nix.nix, warnings, notes };
}

/** True when the trees differ at all (the `diff` command exits 1), false when they are identical (exit 0). */
export function hasChanges(diff: LabDiff): boolean {
  return diff.files.added.length + diff.files.removed.length + diff.files.changed.length > 0;
}
