/**
 * Longhorn on the hosts: a rendered Longhorn needs `iscsiadm` (open-iscsi) on every k3s node, which the hosts
 * get only when the model's `k3s.longhorn` is true. Left false, Longhorn's manager exits on every node
 * (longhorn/longhorn#4258), and the layers after it wait. A model choice, so a warning.
 */
import { hasClusterFunction } from "../../model/roles.js";
import type { Check } from "../check.js";
import type { CheckContext } from "../context.js";
import { describeObject, type Finding } from "../finding.js";

/** The check's id, the key of its findings. */
export const LONGHORN_PREREQUISITES_CHECK = "longhorn-prerequisites";

function run(ctx: CheckContext): Finding[] {
  if (ctx.homelab.k3s.longhorn) return [];
  const release = ctx.documents.find(
    (d) =>
      d.doc.kind === "HelmRelease" &&
      (d.doc as { spec?: { chart?: { spec?: { chart?: unknown } } } }).spec?.chart?.spec?.chart === "longhorn",
  );
  if (release === undefined) return [];
  const nodes = ctx.homelab.hosts.filter((h) => hasClusterFunction(h, "k3s-server", "k3s-agent"));
  return [
    {
      check: LONGHORN_PREREQUISITES_CHECK,
      severity: "warning",
      file: release.file,
      object: describeObject(release.doc),
      path: "k3s.longhorn",
      construct: release.construct,
      message:
        "Longhorn is rendered, but k3s.longhorn is false, so the k3s nodes " +
        `(${nodes.map((h) => h.hostname).join(", ")}) ` +
        "get no open-iscsi, nfs-utils or PATH link, and Longhorn's manager exits without iscsiadm",
      fix: "Set k3s.longhorn to true (the default), or leave Longhorn out of the infrastructure (longhorn: false)",
    },
  ];
}

/** Warns when Longhorn is rendered while the hosts do not get what it needs. */
export const longhornPrerequisitesCheck: Check = {
  id: LONGHORN_PREREQUISITES_CHECK,
  doc: "A rendered Longhorn has its host prerequisites (k3s.longhorn: open-iscsi, nfs-utils, iscsiadm on the PATH).",
  severity: "warning",
  skippable: false,
  run,
};
