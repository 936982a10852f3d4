/** Durations as Prometheus writes them. */
import type { Duration } from "cdk8s";

/** A duration as Prometheus writes it: `7d`, `1m`, `1h30m`. */
export function promDuration(d: Duration): string {
  let ms = d.toMilliseconds();
  if (ms === 0) return "0s";
  let out = "";
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
    ["ms", 1],
  ] as const) {
    const n = Math.floor(ms / size);
    if (n > 0) out += `${n}${unit}`;
    ms -= n * size;
  }
  return out;
}
