/**
 * A host's hardware facts (`hosts[i].hardware`): how many cores and how much memory it has, for
 * the checks that compare what the lab asks for with what its nodes can give.
 */
import type { Hardware } from "./homelab.js";
import { describeValue, type ProblemCollector, type SpecPath } from "./problems.js";

/** A memory size: a whole number of K, M, G or T (binary units, as disko reads them), e.g. `4G`. */
const MEMORY = /^([1-9][0-9]*)([KMGT])i?$/;
const UNIT: Readonly<Record<string, number>> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** Bytes of a memory size (`4G`, `3800M`, `4Gi`), or undefined when it is not one. */
export function memoryBytes(text: string): number | undefined {
  const m = MEMORY.exec(text);
  return m === null ? undefined : Number(m[1]) * UNIT[m[2]!]!;
}

/**
 * Validates `hosts[i].hardware` (every problem with its spec path), and returns it as the field
 * to spread into the host: `{}` when the host has none or it has an error.
 */
export function hardwareOf(c: ProblemCollector, path: SpecPath, value: unknown): { hardware?: Hardware } {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    c.error(path, `must be an object, got ${describeValue(value)}`, 'Write it as { cores: 4, memory: "4G" }.');
    return {};
  }
  const hw = value as Record<string, unknown>;
  let ok = true;
  for (const key of Object.keys(hw)) {
    if (key !== "cores" && key !== "memory") {
      c.error([...path, key], "is not a field of the hardware facts", "Remove it; the fields are cores, memory.");
      ok = false;
    }
  }
  let cores: number | undefined;
  if (hw.cores !== undefined) {
    if (typeof hw.cores === "number" && Number.isInteger(hw.cores) && hw.cores >= 1 && hw.cores <= 1024) {
      cores = hw.cores;
    } else {
      c.error(
        [...path, "cores"],
        `must be a whole number of cores (at least 1), got ${describeValue(hw.cores)}`,
        "Use a whole number, e.g. 4.",
      );
      ok = false;
    }
  }
  let memory: number | undefined;
  if (hw.memory !== undefined) {
    memory = typeof hw.memory === "string" ? memoryBytes(hw.memory) : undefined;
    if (memory === undefined) {
      c.error(
        [...path, "memory"],
        `must be a memory size, got ${describeValue(hw.memory)}`,
        'Write a whole number with K, M, G or T (binary units), e.g. "4G" or "3800M".',
      );
      ok = false;
    }
  }
  return ok ? { hardware: { cores, memory } } : {};
}
