/**
 * The example lab's entry: its default export is the lab's definition. The CLI finds this file
 * through package.json's `"cdk8s-homelab": { "entry": "apps/lab.ts" }` and reads the SOPS files of
 * `secretsDir` (apps/secrets, the default) itself.
 */
import { defineLab } from "cdk8s-homelab";
import { homelab } from "./homelab.js";
import { defineKubernetes } from "./kubernetes.js";

export default defineLab({
  spec: homelab,
  source: "apps/homelab.ts",
  kubernetes: defineKubernetes,
});
