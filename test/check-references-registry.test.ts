/** The reference checks as a family: registered, not skippable, and each listed in the README with its one line. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CHECKS } from "../lib/check/index.js";
import { referenceChecks } from "../lib/check/references/index.js";
import { repo } from "./helpers/project.js";

describe("referenceChecks", () => {
  it("are all run by synth, cannot be skipped, and have distinct ids", () => {
    expect(referenceChecks.map((c) => c.id)).toEqual([
      "load-balancer-ips",
      "ingress-hosts",
      "ingress-backends",
      "object-references",
      "storage-classes",
      "flux-depends-on",
      "host-firewall",
      "longhorn-prerequisites",
      "memory-fits-nodes",
    ]);
    for (const c of referenceChecks) {
      expect(CHECKS).toContain(c);
      expect(c.skippable, c.id).toBe(false);
      expect(c.doc.length, c.id).toBeLessThan(130);
    }
    expect(referenceChecks.filter((c) => c.severity === "warning").map((c) => c.id)).toEqual([
      "longhorn-prerequisites",
      "memory-fits-nodes",
    ]);
  });

  it("the README's References section has one line per check", () => {
    const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");
    const section = readme.split("### References\n")[1]?.split(/\n##/)[0] ?? "";
    for (const c of referenceChecks) {
      expect(
        section.split("\n").filter((l) => l.startsWith(`- \`${c.id}\``)),
        c.id,
      ).toHaveLength(1);
    }
    expect(section).toContain("declareExternal(");
  });
});
