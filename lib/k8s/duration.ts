/**
 * cdk8s {@link Duration}s in the forms the cluster reads: Go's `time.Duration`
 * text (what Flux's `interval` and `timeout` fields take), with a check that
 * names the prop when a value is not a usable duration.
 */
import { describeValue } from "../model/problems.js";
import { Duration } from "cdk8s";

function isDuration(x: unknown): x is Duration {
  return (
    x instanceof Duration ||
    (typeof x === "object" && x !== null && typeof (x as Duration).toMilliseconds === "function")
  );
}

function describe(x: unknown): string {
  return typeof x === "string" ? `the string ${JSON.stringify(x)}` : describeValue(x);
}

/**
 * Why `value` cannot be the duration `prop`: not a Duration, not a whole number of
 * milliseconds, or zero. Undefined when it is fine.
 */
export function durationProblem(prop: string, value: unknown): string | undefined {
  if (!isDuration(value)) {
    const example = 'e.g. Duration.minutes(5) (import { Duration } from "cdk8s")';
    return `${prop} must be a Duration, ${example}, got ${describe(value)}`;
  }
  const ms = value.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms)) return `${prop} must be a whole number of milliseconds, got ${value.toHumanString()}`;
  if (ms <= 0) return `${prop} must be longer than zero, got ${value.toHumanString()}`;
  return undefined;
}

const UNITS: readonly [string, number][] = [
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
];

/**
 * The duration as Go writes and Flux reads it, in its shortest exact form: `Duration.hours(1)`
 * is "1h", `Duration.seconds(90)` is "1m30s", `Duration.days(1)` is "24h".
 * @throws Error when the duration is not a whole number of milliseconds (see {@link durationProblem})
 */
export function goDuration(d: Duration): string {
  let ms = d.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`${d.toHumanString()} is not a whole number of milliseconds`);
  if (ms === 0) return "0s";
  let out = "";
  for (const [unit, size] of UNITS) {
    const n = Math.floor(ms / size);
    if (n > 0) out += `${n}${unit}`;
    ms -= n * size;
  }
  return out;
}

const GO_UNITS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ms|h|m|s))+$/;

/**
 * Milliseconds of a duration as Flux's fields take it (`"10m"`, `"1m30s"`, `"1.5h"`, the pattern of
 * the Flux CRDs), or undefined when `text` is not one.
 */
export function parseGoDuration(text: string): number | undefined {
  if (!GO_DURATION.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) ms += Number(m[1]) * GO_UNITS[m[2]!]!;
  return Math.round(ms);
}
