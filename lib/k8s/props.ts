/**
 * Run-time checks of construct props. TypeScript checks props only where the user's code is
 * typed; a lab that loads its apps from JSON, or passes `as any`, reaches the constructs with
 * strings where a `Size` belongs, negative numbers, NUL bytes. Each check here names the prop by
 * its path (`props.storage.size`) and says what to write instead; a construct reports them with its
 * construct path, like its other problems: `[homelab/apps/jellyfin] props.storage.size: ...`.
 *
 * Every function returns the problem as text (undefined when the value is fine) and never throws.
 */
import { Size } from "cdk8s";
import type { IConstruct } from "constructs";
import { describeValue } from "../model/problems.js";
import { unwritableTextProblem } from "../model/text.js";
import { Layer } from "./homelab-app.js";

/** `props.<prop>: <problem>`, the form every prop problem takes. */
export function propProblem(prop: string, problem: string): string {
  return `props.${prop}: ${problem}`;
}

/** True for a plain object (not a list, not null, not a class instance such as a Date). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

/** What a `Size` holds (its fields are private in cdk8s's types, public at run time). */
interface SizeFields {
  readonly amount: unknown;
  readonly unit: { readonly inKibiBytes: number; readonly abbr: string };
}

/** A `Size` of any copy of cdk8s: an amount and a unit that knows its size in kibibytes. */
export function isSize(value: unknown): value is Size {
  if (value instanceof Size) return true;
  const v = value as { amount?: unknown; unit?: { inKibiBytes?: unknown; abbr?: unknown }; asString?: unknown };
  return (
    typeof value === "object" &&
    value !== null &&
    typeof v.asString === "function" &&
    typeof v.unit?.inKibiBytes === "number" &&
    typeof v.unit.abbr === "string"
  );
}

/** The largest size a quantity takes here: 1 PiB, far above any homelab disk. */
const MAX_KIBIBYTES = 1024 ** 4;

/**
 * Why `value` cannot be the size `prop`: not a `Size` (e.g. the string `"10GB"`), not a number of
 * bytes, zero or less, or absurdly large.
 * @param unit the smallest unit it is rendered in: `"Mi"` sizes must be whole mebibytes
 */
export function sizeProblem(prop: string, value: unknown, unit: "bytes" | "Mi" = "bytes"): string | undefined {
  const example = 'e.g. Size.gibibytes(10) (import { Size } from "cdk8s")';
  if (!isSize(value)) return propProblem(prop, `must be a Size, ${example}, got ${describeValue(value)}`);
  const { amount, unit: u } = value as unknown as SizeFields;
  const kib = typeof amount === "number" ? amount * u.inKibiBytes : Number.NaN;
  if (typeof amount !== "number" || !Number.isFinite(amount)) {
    return propProblem(
      prop,
      `the amount ${typeof amount === "number" ? String(amount) : describeValue(amount)} is not a number; write ${example}`,
    );
  }
  if (amount <= 0) {
    return propProblem(prop, `${amount}${u.abbr} is not a size: give one larger than zero, ${example}`);
  }
  if (kib > MAX_KIBIBYTES) {
    return propProblem(prop, `${amount}${u.abbr} is larger than 1Pi; give the size you mean`);
  }
  if (unit === "Mi" && !Number.isInteger(kib / 1024)) {
    return propProblem(prop, `${amount}${u.abbr} is not a whole number of mebibytes, e.g. Size.mebibytes(256)`);
  }
  if (!Number.isInteger(kib * 1024)) {
    return propProblem(prop, `${amount}${u.abbr} is not a whole number of bytes`);
  }
  return undefined;
}

/** Why `value` cannot be the port `prop` (a whole number from 1 to 65535). */
export function portProblem(prop: string, value: unknown): string | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535) return undefined;
  return propProblem(prop, `${describeValue(value)} is not a port; use a whole number from 1 to 65535`);
}

/** Why `value` cannot be the count `prop` (a whole number, `min` or more, at most 1000). */
export function countProblem(prop: string, value: unknown, min: number): string | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= 1000) return undefined;
  return propProblem(prop, `${describeValue(value)} is not a count; use a whole number from ${min} to 1000`);
}

/** Why `value` cannot be the string `prop`: not a string, or a string that cannot be written. */
export function stringProblem(prop: string, value: unknown): string | undefined {
  if (typeof value !== "string") return propProblem(prop, `must be a string, got ${describeValue(value)}`);
  const text = unwritableTextProblem(value);
  return text === undefined ? undefined : propProblem(prop, text);
}

/** Why `value` cannot be the boolean `prop`. */
export function booleanProblem(prop: string, value: unknown): string | undefined {
  return typeof value === "boolean"
    ? undefined
    : propProblem(prop, `must be true or false, got ${describeValue(value)}`);
}

/**
 * The environment variable names Kubernetes accepts on every version our users run: the rule of
 * k8s.io/apimachinery's `IsEnvVarName` (letters, digits, `_`, `-` and `.`, not starting with a
 * digit). Kubernetes 1.32 relaxed it (RelaxedEnvironmentVariableValidation: any printable ASCII
 * but `=`), but a k3s 1.30 or 1.31 server, and 1.32 with the gate off, still rejects such names.
 */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Why `name` cannot be the name of an environment variable (at `prop`). */
export function envNameProblem(prop: string, name: unknown): string | undefined {
  if (typeof name === "string" && ENV_VAR_NAME.test(name)) return undefined;
  return propProblem(
    prop,
    `${describeValue(name)} is not an environment variable name Kubernetes accepts: use letters, digits, ` +
      '"_", "-" and ".", not starting with a digit, e.g. "DATABASE_URL"',
  );
}

/** `props.env.NAME`, or `props.env["a b"]` for a name that is not an identifier. */
export function keyPath(prop: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${prop}.${key}` : `${prop}[${JSON.stringify(key)}]`;
}

/**
 * The construct the user built that `scope` belongs to: the direct child of its layer (the one
 * whose file `dist/<layer>/<id>.yaml` is), or `scope` itself outside a layer. Prop problems of the
 * constructs it is made of are reported on it, with the props the user wrote.
 */
export function userConstruct(scope: IConstruct): IConstruct {
  const scopes = scope.node.scopes;
  const i = scopes.findIndex((s) => Layer.isLayer(s));
  return i >= 0 && i + 1 < scopes.length ? scopes[i + 1]! : scope;
}
