/**
 * `image-pinned` (error): every container image is pinned by a tag or a digest, never `:latest` and
 * never untagged (which means `:latest`). Otherwise git no longer says what runs: a restarted pod may
 * pull another version, and Renovate cannot propose upgrades.
 */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { Finding } from "../finding.js";
import { findingAt } from "./at.js";
import { containerName } from "./pods.js";

/** The tag of an image reference (`undefined` when it has none), ignoring a registry's `host:port`. */
export function imageTag(image: string): string | undefined {
  const name = image.split("@")[0]!;
  const last = name.slice(name.lastIndexOf("/") + 1);
  const colon = last.indexOf(":");
  return colon < 0 ? undefined : last.slice(colon + 1);
}

export const imagePinned: Check = {
  id: "image-pinned",
  doc: "every image is pinned by a tag or a digest, never `:latest` or untagged",
  severity: "error",
  skippable: true,
  run(ctx) {
    const findings: Finding[] = [];
    const index = documentIndex(ctx);
    for (const pod of index.podSpecs) {
      for (const c of index.containers(pod)) {
        const image = c.container.image;
        if (typeof image !== "string" || image.includes("@")) continue;
        const tag = imageTag(image);
        if (tag !== undefined && tag !== "latest") continue;
        findings.push(
          findingAt(
            imagePinned,
            pod.source,
            `${c.path}.image`,
            `${containerName(c)} runs "${image}", ` +
              (tag === undefined ? "which has no tag (it means :latest)" : "tagged :latest"),
            "pin it to a version tag (`repo/app:1.2.3`) or a digest (`repo/app@sha256:...`)",
          ),
        );
      }
    }
    return findings;
  },
};
