/** A schema problem inside one document, and the translation of Ajv's errors into such problems. */
import type { ErrorObject } from "ajv";
import { describeValue } from "../../model/problems.js";
import { editDistance } from "../../model/edit-distance.js";

/** A JSON value that is an object (not null, not an array). */
export type JsonObject = { [key: string]: unknown };

/** Whether `v` is a JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** One problem in a document: where (segments from the document's root), what, and what to do. */
export interface SchemaProblem {
  /** Segments from the document's root (numbers index arrays), e.g. `["spec", "replicass"]`. */
  readonly path: readonly (string | number)[];
  /** What is wrong, naming the offending value. */
  readonly message: string;
  /** What to do. */
  readonly fix: string;
}

/** The value at `segments` in `data` (undefined when there is none). */
export function valueAt(data: unknown, segments: readonly (string | number)[]): unknown {
  let cur = data;
  for (const s of segments)
    cur = isObject(cur) || Array.isArray(cur) ? (cur as Record<string | number, unknown>)[s] : undefined;
  return cur;
}

/** JSON pointer (Ajv's instancePath) to segments; array indices become numbers (judged by the data). */
export function pointerToSegments(data: unknown, pointer: string): (string | number)[] {
  if (pointer === "") return [];
  const out: (string | number)[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = isObject(cur) ? cur[seg] : undefined;
    }
  }
  return out;
}

/** The fix of an unknown field: the closest known field when there is one, else remove it. */
export function unknownFieldProblem(
  path: readonly (string | number)[],
  field: string,
  known: Iterable<string>,
): SchemaProblem {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(field.length / 3)) + 1;
  for (const k of [...known].sort()) {
    const d = editDistance(field.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return {
    path,
    message: "unknown field (not in the schema)",
    fix:
      best === undefined
        ? "remove it or move it where the schema has it (the API server would drop it)"
        : `did you mean "${best}"? (the API server would drop an unknown field)`,
  };
}

const FIX_TYPE = "give it a value of the type the schema asks for";

/** Turns Ajv errors into problems: unknown/missing fields get their own path, int-or-string noise is merged. */
export function ajvProblems(data: unknown, errors: readonly ErrorObject[]): SchemaProblem[] {
  // Union branches (int-or-string, quantity) report one `type` error per branch plus the
  // anyOf/oneOf failure: merge them into one "must be X or Y".
  const unionAt = new Set(
    errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf").map((e) => e.instancePath),
  );
  const merged = new Map<string, string[]>();
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  const push = (p: SchemaProblem): void => {
    const key = `${JSON.stringify(p.path)}\0${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };
  for (const e of errors) {
    const at = pointerToSegments(data, e.instancePath);
    const params = e.params as Record<string, unknown>;
    if (unionAt.has(e.instancePath) && e.keyword === "type") {
      merged.set(e.instancePath, [...(merged.get(e.instancePath) ?? []), String(params.type)]);
      continue;
    }
    if (unionAt.has(e.instancePath) && (e.keyword === "anyOf" || e.keyword === "oneOf")) continue;
    switch (e.keyword) {
      case "additionalProperties": {
        const parent = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
        push(
          unknownFieldProblem([...at, String(params.additionalProperty)], String(params.additionalProperty), [
            ...Object.keys(parent?.properties ?? {}),
          ]),
        );
        break;
      }
      case "required":
        push({
          path: [...at, String(params.missingProperty)],
          message: "required field is missing",
          fix: "set it",
        });
        break;
      case "enum": {
        const allowed = ((params.allowedValues as unknown[]) ?? []).map((v) => JSON.stringify(v)).join(", ");
        push({
          path: at,
          message: `must be one of ${allowed} (got ${JSON.stringify(valueAt(data, at))})`,
          fix: "use one of the allowed values",
        });
        break;
      }
      case "type":
        push({
          path: at,
          message: `must be ${String(params.type)} (got ${describeValue(valueAt(data, at))})`,
          fix: FIX_TYPE,
        });
        break;
      default:
        push({
          path: at,
          message: e.message ?? `fails ${e.keyword}`,
          fix: "change the value so that the schema accepts it",
        });
    }
  }
  for (const [pointer, types] of merged) {
    // Some branch accepted the type but not the value (e.g. a quantity string that fails
    // format "quantity"): that error says it all.
    if (errors.some((e) => e.instancePath === pointer && !["type", "anyOf", "oneOf"].includes(e.keyword))) continue;
    const at = pointerToSegments(data, pointer);
    push({
      path: at,
      message: `must be ${[...new Set(types)].join(" or ")} (got ${describeValue(valueAt(data, at))})`,
      fix: FIX_TYPE,
    });
  }
  return out;
}
