/** Evaluates an existing `vars.nix` with the real Nix evaluator: `nix-instantiate --eval --strict --json FILE`. */
import { spawnSync } from "node:child_process";
import { ImportVarsError } from "./spec-from-vars.js";

/** How to get `nix-instantiate`, for the message when it is missing. */
export const INSTALL_NIX =
  "install Nix (https://nixos.org/download; Debian/Ubuntu: apt-get install -y nix-bin) and run the command again";

/**
 * The value of the Nix file `file`, as JSON data. `environment` is the one nix-instantiate runs in (its PATH
 * finds it).
 * @throws ImportVarsError when nix-instantiate is missing or the file does not evaluate
 */
export function evaluateVarsFile(
  file: string,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): unknown {
  // Evaluating a plain attribute set needs no store: without a daemon, Nix 2.8 wants NIX_REMOTE=dummy://.
  const env = { ...environment, NIX_REMOTE: environment.NIX_REMOTE ?? "dummy://" };
  const r = spawnSync("nix-instantiate", ["--eval", "--strict", "--json", file], {
    encoding: "utf8",
    env,
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error !== undefined) {
    const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new ImportVarsError([
      missing ? `nix-instantiate not found: ${INSTALL_NIX}` : `nix-instantiate could not run: ${r.error.message}`,
    ]);
  }
  if (r.status !== 0) {
    const stderr = r.stderr.trim().split("\n").slice(0, 8).join("\n  ");
    throw new ImportVarsError([`${file} does not evaluate (nix-instantiate --eval --strict --json):\n  ${stderr}`]);
  }
  return JSON.parse(r.stdout) as unknown;
}
