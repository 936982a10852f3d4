/**
 * Core Kubernetes kinds (the GA API groups of a current Kubernetes) through the precompiled Ajv
 * validators of `kubernetes-models`. Those do NOT reject unknown fields (the Kubernetes OpenAPI has
 * no `additionalProperties: false`, so `spec.replicass` would pass), and the package ships no JSON
 * schema to walk. So the validator runs on a Proxy of the document that records which keys it looks
 * up: the compiled code reads every property its schema declares and enumerates the keys of maps
 * (`for (k in data)`), so a key of an object whose properties were looked up, but which itself never
 * was, is not in the schema. Objects the validator never looked into (free-form ones such as
 * RawExtension) are not judged.
 */
import type { ErrorObject } from "ajv";
import * as admissionregistrationV1 from "kubernetes-models/admissionregistration.k8s.io/v1";
import * as apiextensionsV1 from "kubernetes-models/apiextensions.k8s.io/v1";
import * as apiregistrationV1 from "kubernetes-models/apiregistration.k8s.io/v1";
import * as appsV1 from "kubernetes-models/apps/v1";
import * as autoscalingV1 from "kubernetes-models/autoscaling/v1";
import * as autoscalingV2 from "kubernetes-models/autoscaling/v2";
import * as batchV1 from "kubernetes-models/batch/v1";
import * as certificatesV1 from "kubernetes-models/certificates.k8s.io/v1";
import * as coordinationV1 from "kubernetes-models/coordination.k8s.io/v1";
import * as discoveryV1 from "kubernetes-models/discovery.k8s.io/v1";
import * as eventsV1 from "kubernetes-models/events.k8s.io/v1";
import * as flowcontrolV1 from "kubernetes-models/flowcontrol.apiserver.k8s.io/v1";
import * as networkingV1 from "kubernetes-models/networking.k8s.io/v1";
import * as nodeV1 from "kubernetes-models/node.k8s.io/v1";
import * as policyV1 from "kubernetes-models/policy/v1";
import * as rbacV1 from "kubernetes-models/rbac.authorization.k8s.io/v1";
import * as schedulingV1 from "kubernetes-models/scheduling.k8s.io/v1";
import * as storageV1 from "kubernetes-models/storage.k8s.io/v1";
import * as coreV1 from "kubernetes-models/v1";
import { ajvProblems, isObject, type SchemaProblem, unknownFieldProblem } from "./problem.js";

/** GA API group/versions a current Kubernetes (1.30+) serves; removed betas (policy/v1beta1, ...) left out on purpose. */
const CORE_MODULES: readonly Record<string, unknown>[] = [
  coreV1,
  appsV1,
  batchV1,
  networkingV1,
  policyV1,
  rbacV1,
  autoscalingV1,
  autoscalingV2,
  storageV1,
  schedulingV1,
  coordinationV1,
  discoveryV1,
  nodeV1,
  admissionregistrationV1,
  apiextensionsV1,
  apiregistrationV1,
  certificatesV1,
  eventsV1,
  flowcontrolV1,
];

/** A kubernetes-models class: its GVK and its validating prototype. */
export interface CoreModel {
  readonly apiVersion: string;
  readonly kind: string;
  readonly prototype: { validate(): void };
}

let index: Map<string, CoreModel> | undefined;

/** Every core kind, by `apiVersion kind`. */
export function coreKinds(): ReadonlyMap<string, CoreModel> {
  if (index) return index;
  index = new Map();
  for (const mod of CORE_MODULES) {
    for (const value of Object.values(mod)) {
      if (typeof value !== "function") continue;
      const cls = value as unknown as Partial<CoreModel>;
      if (typeof cls.apiVersion === "string" && typeof cls.kind === "string")
        index.set(`${cls.apiVersion} ${cls.kind}`, cls as CoreModel);
    }
  }
  return index;
}

let byVersion: Map<string, Map<string, CoreModel>> | undefined;

/** The core kind `kind` of `apiVersion`, or undefined: {@link coreKinds} without building a key per document. */
export function coreModel(apiVersion: string, kind: string): CoreModel | undefined {
  if (byVersion === undefined) {
    byVersion = new Map();
    for (const model of coreKinds().values()) {
      const kinds = byVersion.get(model.apiVersion) ?? new Map<string, CoreModel>();
      kinds.set(model.kind, model);
      byVersion.set(model.apiVersion, kinds);
    }
  }
  return byVersion.get(apiVersion)?.get(kind);
}

/** The API groups of the core kinds (`""` for v1). */
export function isCoreGroup(group: string): boolean {
  for (const c of coreKinds().values()) if (groupOf(c.apiVersion) === group) return true;
  return false;
}

/** `apps/v1` -> `apps`, `v1` -> `""`. */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.lastIndexOf("/");
  return i < 0 ? "" : apiVersion.slice(0, i);
}

/** Records which keys a validator looks up on each object of a document (`all`: the keys were enumerated). */
class AccessTracker {
  private readonly seen = new WeakMap<object, { keys: Set<string>; all: boolean }>();
  private readonly proxies = new WeakMap<object, object>();

  wrap<T>(value: T): T {
    if (typeof value !== "object" || value === null) return value;
    const cached = this.proxies.get(value);
    if (cached) return cached as T;
    const isArray = Array.isArray(value);
    const record = (prop: string | symbol): void => {
      if (typeof prop === "string" && !isArray) this.entry(value).keys.add(prop);
    };
    const proxy = new Proxy(value, {
      get: (target, prop, receiver) => {
        record(prop);
        return this.wrap(Reflect.get(target, prop, receiver));
      },
      has: (target, prop) => {
        record(prop);
        return Reflect.has(target, prop);
      },
      getOwnPropertyDescriptor: (target, prop) => {
        record(prop);
        return Reflect.getOwnPropertyDescriptor(target, prop);
      },
      ownKeys: (target) => {
        if (!isArray) this.entry(target).all = true;
        return Reflect.ownKeys(target);
      },
    });
    this.proxies.set(value, proxy);
    return proxy;
  }

  /** What the validator did with `o`: the keys it looked up, whether it enumerated them; undefined if untouched. */
  observed(o: object): { readonly keys: ReadonlySet<string>; readonly all: boolean } | undefined {
    return this.seen.get(o);
  }

  private entry(o: object): { keys: Set<string>; all: boolean } {
    const e = this.seen.get(o) ?? { keys: new Set<string>(), all: false };
    this.seen.set(o, e);
    return e;
  }

  /** Keys of objects whose known properties the validator looked up, but that it never looked up itself. */
  unknownFields(value: unknown, at: (string | number)[] = [], out: SchemaProblem[] = []): SchemaProblem[] {
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.unknownFields(v, [...at, i], out));
    } else if (isObject(value)) {
      const e = this.seen.get(value);
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue; // not serialized
        if (e && !e.all && e.keys.size > 0 && !e.keys.has(k)) out.push(unknownFieldProblem([...at, k], k, e.keys));
        else this.unknownFields(v, [...at, k], out);
      }
    }
    return out;
  }
}

function isAjvValidationError(e: unknown): e is { errors: ErrorObject[] } {
  return typeof e === "object" && e !== null && Array.isArray((e as { errors?: unknown }).errors);
}

/**
 * What the tracker learnt about a kind's schema at one place of its documents (array items and map
 * values share one node): the keys the validator looks up there, and whether it enumerates them (a
 * map). Ajv's compiled code looks up every declared property whatever the data, so one valid
 * document's observations hold for all documents of the kind.
 */
interface Shape {
  touched: boolean;
  all: boolean;
  readonly keys: Set<string>;
  readonly children: Map<string, Shape>;
  /** Items of an array, values of a map. */
  each?: Shape;
}

const newShape = (): Shape => ({ touched: false, all: false, keys: new Set(), children: new Map() });

/** Per kind, the shapes learnt from valid documents: later documents skip the (slow) Proxy. */
const shapes = new Map<CoreModel, Shape>();

function learn(tracker: AccessTracker, value: unknown, shape: Shape): void {
  if (Array.isArray(value)) {
    shape.each ??= newShape();
    for (const v of value) learn(tracker, v, shape.each);
  } else if (isObject(value)) {
    const o = tracker.observed(value);
    if (o) {
      shape.touched = true;
      shape.all ||= o.all;
      for (const k of o.keys) shape.keys.add(k);
    }
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== "object" || v === null) continue;
      if (o?.all) {
        shape.each ??= newShape();
        learn(tracker, v, shape.each);
      } else {
        const child = shape.children.get(k) ?? newShape();
        shape.children.set(k, child);
        learn(tracker, v, child);
      }
    }
  }
}

/** A path built only when a problem needs it: the parent's path and this segment. */
interface Trail {
  readonly parent: Trail | undefined;
  readonly segment: string | number;
}

function segments(t: Trail | undefined): (string | number)[] {
  const out: (string | number)[] = [];
  for (let c = t; c !== undefined; c = c.parent) out.push(c.segment);
  return out.reverse();
}

/**
 * Unknown fields of `value` by the learnt shape, as the tracker would report them; false when the
 * document reaches a place no valid document of its kind has shown yet (then the Proxy must look).
 */
function unknownByShape(value: object, shape: Shape, at: Trail | undefined, out: SchemaProblem[]): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== "object" || item === null) continue;
      if (shape.each === undefined || !unknownByShape(item, shape.each, { parent: at, segment: i }, out)) return false;
    }
    return true;
  }
  const judged = shape.touched && !shape.all && shape.keys.size > 0;
  for (const k in value) {
    const v: unknown = (value as Record<string, unknown>)[k];
    if (v === undefined) continue; // not serialized
    if (judged && !shape.keys.has(k)) out.push(unknownFieldProblem([...segments(at), k], k, shape.keys));
    else if (typeof v === "object" && v !== null) {
      const child = shape.all ? shape.each : shape.children.get(k);
      if (child === undefined || !unknownByShape(v, child, { parent: at, segment: k }, out)) return false;
    }
  }
  return true;
}

/** Schema problems of a core object (unknown fields included). Does not change `doc`. */
export function coreProblems(model: CoreModel, doc: object): SchemaProblem[] {
  const shape = shapes.get(model);
  if (shape !== undefined) {
    // The fast path: the plain validator, and the unknown fields by the shape learnt before.
    const errors = ajvErrors(model, doc);
    const unknown: SchemaProblem[] = [];
    if (errors.length === 0 && unknownByShape(doc, shape, undefined, unknown)) return unknown;
  }
  try {
    return trackedProblems(model, doc);
  } catch (e) {
    // The Proxy hands out wrapped children, which a frozen object forbids (a Proxy must return a
    // non-writable property as it is): validate a private copy then.
    if (!(e instanceof TypeError)) throw e;
    return trackedProblems(model, structuredClone(doc));
  }
}

function ajvErrors(model: CoreModel, doc: object): ErrorObject[] {
  try {
    model.prototype.validate.call(doc);
    return [];
  } catch (e) {
    if (!isAjvValidationError(e)) throw e;
    return e.errors;
  }
}

function trackedProblems(model: CoreModel, doc: object): SchemaProblem[] {
  const tracker = new AccessTracker();
  const errors = ajvErrors(model, tracker.wrap(doc));
  const unknown = tracker.unknownFields(doc);
  // Only a valid document teaches the shape: a failing validator may stop before it looked at everything.
  if (errors.length === 0 && unknown.length === 0) {
    const shape = shapes.get(model) ?? newShape();
    shapes.set(model, shape);
    learn(tracker, doc, shape);
  }
  return [...ajvProblems(doc, errors), ...unknown];
}
