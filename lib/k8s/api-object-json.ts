/**
 * `apiObjectJson(obj)`: what `obj.toJson()` returns, computed in one pass.
 *
 * cdk8s's `ApiObject.toJson` resolves the props with a context object and a key path per value,
 * looking the App up again for each one, then copies the tree once more to sort keys and drop
 * empty values. On a lab of 1,000 apps that is a large share of synth. This module does the same
 * work in a single walk, for exactly the cases where the result is the same:
 *  - `toJson` is `ApiObject`'s own (not an L1 class's override),
 *  - the App has only cdk8s's built-in resolvers, and no JSON patches were added,
 *  - every value is a primitive, an array, a plain object or a `Lazy`.
 * Anything else (a class instance, an implicit token, a function, a custom resolver, a patch,
 * `CDK8S_DISABLE_SORT`) goes to `obj.toJson()` itself, so the result never differs.
 */
import { ApiObject, type App, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver } from "cdk8s";
import { k8s } from "cdk8s-plus-30";
import * as certManager from "../../imports/cert-manager.io.js";
import * as helm from "../../imports/helm.toolkit.fluxcd.io.js";
import * as kustomize from "../../imports/kustomize.toolkit.fluxcd.io.js";
import * as metallb from "../../imports/metallb.io.js";
import * as monitoring from "../../imports/monitoring.coreos.com.js";
import * as cnpg from "../../imports/postgresql.cnpg.io.js";
import * as source from "../../imports/source.toolkit.fluxcd.io.js";

/** Thrown inside the walk when a value needs cdk8s's own resolution. */
const SLOW = Symbol("slow path");

const baseToJson = ApiObject.prototype.toJson;

/** The sanitize options of ApiObject (sorted keys) and of its metadata (empty arrays and objects dropped too). */
enum Empty {
  Keep = 0,
  Drop = 1,
}

type Converter = (props: unknown) => Record<string, unknown> | undefined;

/**
 * The generated L1 classes, each with its GVK and props converter: every export `X` of a module
 * that also exports `toJson_XProps`, and has a static `GVK`. Keyed by the class's prototype.
 */
const L1 = new Map<object, { readonly gvk: object; readonly convert: Converter }>();
for (const mod of [k8s, certManager, helm, kustomize, metallb, monitoring, cnpg, source] as unknown as Record<
  string,
  unknown
>[]) {
  for (const [name, value] of Object.entries(mod)) {
    const convert = mod[`toJson_${name}Props`];
    const gvk = (value as { GVK?: unknown } | undefined)?.GVK;
    if (typeof value === "function" && typeof convert === "function" && typeof gvk === "object" && gvk !== null) {
      L1.set(value.prototype as object, { gvk, convert: convert as Converter });
    }
  }
}

function walk(value: unknown, empty: Empty): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "object") {
    if (typeof value === "function") throw SLOW;
    return value;
  }
  if (value instanceof Lazy) return walk(value.produce(), empty);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype) {
    // cdk8s's resolvers, in order: Lazy (above), an implicit token, a number-or-string union value.
    const union = value as { resolve?: unknown; value?: unknown };
    if (typeof union.resolve === "function") throw SLOW;
    if (typeof union.value === "number" || typeof union.value === "string") return walk({ value: union.value }, empty);
    throw SLOW;
  }
  if (Array.isArray(value)) {
    if (empty === Empty.Drop && value.length === 0) return undefined;
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = walk(value[i], empty);
    return out;
  }
  const obj = value as Record<string, unknown>;
  if (obj.constructor !== Object || typeof obj.resolve === "function") throw SLOW;
  const keys = Object.keys(obj).sort();
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const k of keys) {
    const v = walk(obj[k], empty);
    if (v !== undefined && v !== null) {
      out[k] = v;
      n++;
    }
  }
  return empty === Empty.Drop && n === 0 ? undefined : out;
}

/** True when `app` resolves with cdk8s's three built-in resolvers only. */
function builtInResolversOnly(app: App): boolean {
  const r = app.resolvers;
  return (
    r.length === 3 &&
    r[0]?.constructor === LazyResolver &&
    r[1]?.constructor === ImplicitTokenResolver &&
    r[2]?.constructor === NumberStringUnionResolver
  );
}

interface MetadataInternals {
  readonly _additionalAttributes: Record<string, unknown>;
  readonly name?: string;
  readonly namespace?: string;
  readonly annotations: Record<string, unknown>;
  readonly finalizers: unknown[];
  readonly ownerReferences: unknown[];
  readonly labels: Record<string, unknown>;
}

/**
 * A function that returns `obj.toJson()` for the API objects of `app`, faster when it can be (see
 * the module comment); the same value either way. Make one per render: it reads the App's resolvers
 * and `CDK8S_DISABLE_SORT` once.
 */
export function apiObjectRenderer(app: App): (obj: ApiObject) => unknown {
  if (process.env.CDK8S_DISABLE_SORT || !builtInResolversOnly(app)) return (obj) => obj.toJson();
  return fastToJson;
}

function fastToJson(obj: ApiObject): unknown {
  const proto = Object.getPrototypeOf(obj) as { toJson?: unknown };
  const l1 = L1.get(proto);
  if (obj.toJson !== (l1 === undefined ? baseToJson : proto.toJson)) return obj.toJson();
  const internals = obj as unknown as { readonly props: Record<string, unknown>; readonly patches: unknown[] };
  const meta = obj.metadata as unknown as MetadataInternals;
  if (!Array.isArray(internals.patches) || internals.patches.length > 0 || meta._additionalAttributes === undefined) {
    return obj.toJson();
  }
  try {
    const metadata = walk(
      {
        ...meta._additionalAttributes,
        name: meta.name,
        namespace: meta.namespace,
        annotations: meta.annotations,
        finalizers: meta.finalizers,
        ownerReferences: meta.ownerReferences,
        labels: meta.labels,
      },
      Empty.Drop,
    );
    const json = walk({ ...internals.props, metadata }, Empty.Keep) as Record<string, unknown>;
    const result: Record<string, unknown> = {};
    for (const k of ["apiVersion", "kind", "metadata", ...Object.keys(json)]) {
      if (k in json) result[k] = json[k];
    }
    return l1 === undefined ? result : { ...l1.gvk, ...l1.convert(result) };
  } catch {
    // A value only cdk8s can resolve, or an error it reports in its own words.
    return obj.toJson();
  }
}
