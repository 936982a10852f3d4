/**
 * Upstream references in ../shared (beside the repository, not part of it) back some extra tests:
 * the CRDs the schema tests validate against, the imports/ drift check. A clone without ../shared
 * skips those tests with a notice; under CI=true they are required (the run fails without them)
 * unless HOMELAB_NO_SHARED=1 says the run is deliberately without ../shared (.ci/run's fresh clone).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** ../shared, beside the repository. */
export const sharedDir = path.resolve(import.meta.dirname, "../../..", "shared");

/** Whether a run without ../shared must fail rather than skip: CI=true, unless HOMELAB_NO_SHARED=1. */
export function sharedRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === "true" && env.HOMELAB_NO_SHARED !== "1";
}

/**
 * Whether ../shared/<sub> exists, for `it.skipIf(!sharedAvailable(...))`. When it does not, prints
 * a notice naming `what` is skipped, or throws when the run requires it ({@link sharedRequired}).
 */
export function sharedAvailable(sub: string, what: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const dir = path.join(sharedDir, sub);
  if (fs.existsSync(dir)) return true;
  if (sharedRequired(env)) {
    throw new Error(
      `${what} needs ${dir} (upstream references beside the repository), and CI=true requires it. ` +
        "Put ../shared beside the clone, or set HOMELAB_NO_SHARED=1 for a run deliberately without it.",
    );
  }
  const why = env.HOMELAB_NO_SHARED === "1" ? "HOMELAB_NO_SHARED=1" : "set CI=true to require it";
  console.warn(`notice: ${dir} not found; skipping ${what} (${why})`);
  return false;
}
