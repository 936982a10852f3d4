/**
 * The Nix side of a diff: lab-wide changes of `nix/vars.nix`, and per host what changed in
 * its `nodes.<hostname>` entry, the `imports` of `nix/hosts/<hostname>/*.nix`, its firewall
 * openings and its k3s role. The files are read with the printer-subset parser (no process).
 */
import { compareStrings } from "../model/order.js";
import { diffValues } from "./fields.js";
import { NixParseError, nixValue, parseNix, type JsonValue } from "./nix-parse.js";
import type { FieldChange, FileNote, HostChange, K3sRole, NixDiff } from "./types.js";

/** Where the emitter writes vars.nix. */
export const VARS_PATH = "nix/vars.nix";
const HOST_FILE = /^nix\/hosts\/([^/]+)\/[^/]+\.nix$/;

type Obj = { readonly [key: string]: JsonValue };

function asObj(v: JsonValue | undefined): Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

function strings(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Reads a Nix file's plain value; undefined (with a note) when it is absent or outside the subset. */
function readNix(
  files: ReadonlyMap<string, string>,
  file: string,
  when: string,
  notes: FileNote[],
): JsonValue | undefined {
  const text = files.get(file);
  if (text === undefined) return undefined;
  try {
    return nixValue(parseNix(text));
  } catch (e) {
    if (!(e instanceof NixParseError) && !(e instanceof Error && e.message.includes("has no plain value"))) throw e;
    notes.push({
      file,
      note: `${when}: not in the subset the Nix printer writes (${e.message}); left out of the diff`,
    });
    return undefined;
  }
}

/** The vars.nix value of a tree, or undefined when the tree has none. */
export function readVars(files: ReadonlyMap<string, string>, notes: FileNote[] = [], when = "vars"): Obj | undefined {
  const v = readNix(files, VARS_PATH, when, notes);
  return v === undefined ? undefined : asObj(v);
}

/** The k3s role of `hostname` in a vars value. */
export function k3sRole(vars: Obj | undefined, hostname: string): K3sRole {
  const k3s = asObj(vars?.k3s);
  if (strings(k3s.servers).includes(hostname)) return "server";
  if (strings(k3s.agents).includes(hostname)) return "agent";
  return "none";
}

/** Firewall openings of a node entry, as `tcp 22` / `udp 8000-8010`, sorted by protocol and port. */
export function firewallOpenings(node: Obj | undefined): string[] {
  const fw = asObj(node?.firewall);
  const out: { proto: string; from: number; text: string }[] = [];
  for (const proto of ["tcp", "udp"] as const) {
    const upper = proto.toUpperCase();
    for (const p of Array.isArray(fw[`allowed${upper}Ports`]) ? (fw[`allowed${upper}Ports`] as JsonValue[]) : []) {
      if (typeof p === "number") out.push({ proto, from: p, text: `${proto} ${p}` });
    }
    for (const r of Array.isArray(fw[`allowed${upper}PortRanges`])
      ? (fw[`allowed${upper}PortRanges`] as JsonValue[])
      : []) {
      const { from, to } = asObj(r);
      if (typeof from === "number" && typeof to === "number") out.push({ proto, from, text: `${proto} ${from}-${to}` });
    }
  }
  out.sort((a, b) => compareStrings(a.proto, b.proto) || a.from - b.from || compareStrings(a.text, b.text));
  return out.map((o) => o.text);
}

function hostImports(
  files: ReadonlyMap<string, string>,
  hostname: string,
  when: string,
  notes: FileNote[],
): string[] | undefined {
  const paths = [...files.keys()].filter((f) => HOST_FILE.exec(f)?.[1] === hostname).sort(compareStrings);
  if (paths.length === 0) return undefined;
  const imports: string[] = [];
  for (const p of paths) imports.push(...strings(asObj(readNix(files, p, when, notes)).imports));
  return imports;
}

/** Compares the Nix files of two trees; `differing` are the paths whose text differs. */
export function diffNix(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
  differing: readonly string[],
  notes: FileNote[],
): { nix: NixDiff; varsBefore: Obj | undefined; varsAfter: Obj | undefined } {
  const vb = differing.includes(VARS_PATH) ? readVars(before, notes, "before") : undefined;
  const va = differing.includes(VARS_PATH) ? readVars(after, notes, "after") : undefined;
  // Compare vars only when each side is either readable or absent (a side that fails to parse has a note).
  const varsChanged =
    differing.includes(VARS_PATH) &&
    (vb !== undefined || !before.has(VARS_PATH)) &&
    (va !== undefined || !after.has(VARS_PATH));

  const lab: FieldChange[] = [];
  if (varsChanged) {
    const strip = (v: Obj | undefined): JsonValue | undefined => {
      if (v === undefined) return undefined;
      const { nodes: _nodes, k3s, monitoring, ...rest } = v;
      const { servers: _s, agents: _a, ...k3sRest } = asObj(k3s);
      // monitoring.targets are the hosts again (reported per host); only its lab-wide settings count here.
      const { targets: _t, ...monitoringRest } = asObj(monitoring);
      const withMonitoring = monitoring === undefined ? rest : { ...rest, monitoring: monitoringRest };
      return k3s === null || k3s === undefined
        ? { ...withMonitoring, k3s: k3s ?? null }
        : { ...withMonitoring, k3s: k3sRest };
    };
    diffValues(strip(vb), strip(va), "", lab);
  }

  const hostnames = new Set<string>();
  for (const f of differing) {
    const m = HOST_FILE.exec(f);
    if (m) hostnames.add(m[1]!);
  }
  const nodesB = asObj(vb?.nodes);
  const nodesA = asObj(va?.nodes);
  if (varsChanged) for (const h of [...Object.keys(nodesB), ...Object.keys(nodesA)]) hostnames.add(h);

  const hosts: HostChange[] = [];
  for (const hostname of [...hostnames].sort(compareStrings)) {
    const nb = nodesB[hostname] === undefined ? undefined : asObj(nodesB[hostname]);
    const na = nodesA[hostname] === undefined ? undefined : asObj(nodesA[hostname]);
    const ib = hostImports(before, hostname, "before", notes);
    const ia = hostImports(after, hostname, "after", notes);
    const existsBefore = varsChanged ? nb !== undefined : ib !== undefined;
    const existsAfter = varsChanged ? na !== undefined : ia !== undefined;
    const change = !existsBefore ? "added" : !existsAfter ? "removed" : "changed";
    const shown = change === "removed" ? nb : na;

    const fields: FieldChange[] = [];
    if (varsChanged && change === "changed") {
      const { firewall: _fb, ...restB } = nb ?? {};
      const { firewall: _fa, ...restA } = na ?? {};
      diffValues(restB, restA, "", fields);
    }
    const fb = varsChanged ? firewallOpenings(nb) : [];
    const fa = varsChanged ? firewallOpenings(na) : [];
    const k3s = varsChanged ? { before: k3sRole(vb, hostname), after: k3sRole(va, hostname) } : undefined;
    const importsDiffer = (ib ?? []).join("\0") !== (ia ?? []).join("\0");
    const host: HostChange = {
      hostname,
      change,
      address: typeof shown?.address === "string" ? shown.address : "",
      roles: strings(shown?.roles),
      ...(k3s !== undefined && k3s.before !== k3s.after ? { k3s } : {}),
      ...(importsDiffer ? { imports: { before: ib ?? [], after: ia ?? [] } } : {}),
      firewall: { opened: fa.filter((p) => !fb.includes(p)), closed: fb.filter((p) => !fa.includes(p)) },
      fields,
    };
    const empty =
      change === "changed" &&
      host.k3s === undefined &&
      host.imports === undefined &&
      host.firewall.opened.length + host.firewall.closed.length + fields.length === 0;
    if (!empty) hosts.push(host);
  }
  return { nix: { lab, hosts }, varsBefore: vb, varsAfter: va };
}
