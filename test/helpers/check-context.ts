/** A lab rendered in memory into the input of the checks, to test one check through the real constructs. */
import { Homelab } from "../../lib/model/index.js";
import { HomelabApp } from "../../lib/k8s/homelab-app.js";
import { renderKubernetes } from "../../lib/k8s/render.js";
import { externalsOf } from "../../lib/k8s/external.js";
import type { SopsFile } from "../../lib/k8s/sops.js";
import type { Check } from "../../lib/check/check.js";
import type { CheckContext } from "../../lib/check/context.js";
import type { Finding } from "../../lib/check/finding.js";

/** Renders `spec` with `define` (no checks run) and returns what the checks read. */
export function checkContext(
  spec: unknown,
  define: (app: HomelabApp) => void,
  sopsFiles: readonly SopsFile[] = [],
): CheckContext {
  const homelab = Homelab.create(spec);
  const app = new HomelabApp(homelab);
  define(app);
  const k8s = renderKubernetes(app, { sopsFiles });
  return { homelab, documents: k8s.checked, secrets: k8s.secrets, sopsFiles, externals: externalsOf(app) };
}

/** The findings of `check` on the lab. */
export function findingsOf(
  check: Check,
  spec: unknown,
  define: (app: HomelabApp) => void,
  sopsFiles: readonly SopsFile[] = [],
): readonly Finding[] {
  return check.run(checkContext(spec, define, sopsFiles));
}
