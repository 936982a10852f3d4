/**
 * Field-level differences between two plain JSON values, with readable paths:
 * `spec.chart.spec.version`, `metadata.annotations["metallb.io/loadBalancerIPs"]`,
 * `spec.containers[name=app].image`, `spec.rules[0].host`.
 *
 * Lists of objects that all carry a unique string `name` (containers, env, ports, volumes)
 * are matched by name, so inserting one element does not show every later one as changed;
 * other lists of objects are matched by index; lists of plain values are one value.
 */
import { compareStrings } from "../model/order.js";
import type { JsonValue } from "./nix-parse.js";
import type { FieldChange } from "./types.js";

type Obj = { readonly [key: string]: JsonValue };

const BARE_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `parent.key`, or `parent["odd.key"]` when the key is not a plain word. */
export function childPath(parent: string, key: string): string {
  if (BARE_KEY.test(key)) return parent === "" ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

function isObj(v: JsonValue | undefined): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isScalar(v: JsonValue): boolean {
  return v === null || typeof v !== "object";
}

/** Deep equality of JSON values (key order does not matter). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x: JsonValue, i: number) => jsonEqual(x, (b as readonly JsonValue[])[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => k in b && jsonEqual((a as Obj)[k], (b as Obj)[k]));
}

/** The names of a list whose elements are all objects with a unique string `name`; undefined otherwise. */
function namesOf(list: readonly JsonValue[]): string[] | undefined {
  const names: string[] = [];
  for (const el of list) {
    if (!isObj(el) || typeof el.name !== "string") return undefined;
    names.push(el.name);
  }
  return new Set(names).size === names.length ? names : undefined;
}

/** Appends the changes from `before` to `after` under `path` to `out`, in a stable order. */
export function diffValues(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  path: string,
  out: FieldChange[],
): void {
  if (jsonEqual(before, after)) return;
  if (before === undefined) {
    out.push({ path, after: after! });
    return;
  }
  if (after === undefined) {
    out.push({ path, before });
    return;
  }
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareStrings);
    for (const k of keys) diffValues(before[k], after[k], childPath(path, k), out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    diffLists(before as readonly JsonValue[], after as readonly JsonValue[], path, out);
    return;
  }
  out.push({ path, before, after });
}

function diffLists(before: readonly JsonValue[], after: readonly JsonValue[], path: string, out: FieldChange[]): void {
  if (before.every(isScalar) && after.every(isScalar)) {
    out.push({ path, before, after });
    return;
  }
  const nb = namesOf(before);
  const na = namesOf(after);
  if (nb !== undefined && na !== undefined && (nb.length > 0 || na.length > 0)) {
    const byName = (list: readonly JsonValue[]) => new Map(list.map((el) => [(el as Obj).name as string, el]));
    const mb = byName(before);
    const ma = byName(after);
    const common = nb.filter((n) => ma.has(n));
    const commonAfter = na.filter((n) => mb.has(n));
    if (common.join("\0") !== commonAfter.join("\0")) out.push({ path: `${path} (order)`, before: nb, after: na });
    const seen = new Set<string>();
    for (const n of [...nb, ...na]) {
      if (seen.has(n)) continue;
      seen.add(n);
      diffValues(mb.get(n), ma.get(n), `${path}[name=${n}]`, out);
    }
    return;
  }
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) diffValues(before[i], after[i], `${path}[${i}]`, out);
}
