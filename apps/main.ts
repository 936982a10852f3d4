/**
 * What `cdk8s synth` runs (cdk8s.yaml's `app`): the same `cdk8s-homelab synth` as the CLI and
 * `npm run synth`, on the definition of apps/lab.ts. Both write the same bytes.
 */
import { runLab } from "cdk8s-homelab/cli";
import lab from "./lab.js";

process.exitCode = await runLab(lab, ["synth", ...process.argv.slice(2)]);
