/**
 * Entry point of the example lab: `npm run synth` (and `cdk8s synth`, through
 * cdk8s.yaml's `app`) run this file. It renders dist/ and nix/ in memory and
 * writes them in one transaction; `npm run synth -- --check` only compares.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { readSopsFiles, runCli } from "cdk8s-homelab/synth";
import { homelab } from "./homelab.js";
import { defineKubernetes } from "./kubernetes.js";

// scripts/synth.mjs (npm run synth) runs a bundled copy of this file and says where the project is.
const root = process.env.HOMELAB_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.exitCode = runCli(
  {
    spec: homelab,
    source: "apps/homelab.ts",
    kubernetes: defineKubernetes,
    sopsFiles: readSopsFiles(root, "apps/secrets"),
  },
  { root, argv: process.argv.slice(2), cdk8sOutDir: process.env.CDK8S_OUTDIR },
);
