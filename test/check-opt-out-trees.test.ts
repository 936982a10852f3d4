/**
 * hasOptOuts: whether a construct tree holds any skipCheck, so that the render's annotateOptOuts asks
 * every API object for its opt-outs only in a lab that has some (and writes the same annotations).
 */
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { hasOptOuts, optOutAnnotations, skipCheck } from "../lib/check/opt-out.js";

function root(): Construct {
  return new Construct(undefined as unknown as Construct, "");
}

describe("hasOptOuts", () => {
  it("is false for a tree in which nothing skips a check, true once anything in it does", () => {
    const lab = root();
    const apps = new Construct(lab, "apps");
    const jellyfin = new Construct(apps, "jellyfin");
    const deployment = new Construct(jellyfin, "Deployment");
    expect(hasOptOuts(lab)).toBe(false);
    expect(hasOptOuts(deployment)).toBe(false);
    expect(optOutAnnotations(deployment)).toEqual({});

    skipCheck(jellyfin, "probes", "jellyfin starts slowly");
    for (const c of [lab, apps, jellyfin, deployment]) expect(hasOptOuts(c)).toBe(true);
    expect(optOutAnnotations(deployment)).toEqual({ "checks.cdk8s-homelab.io/probes": "jellyfin starts slowly" });
  });

  it("is per tree, and a refused skipCheck (no such check, no reason) records nothing", () => {
    const lab = root();
    const other = root();
    const app = new Construct(lab, "app");
    skipCheck(app, "no-such-check", "why");
    skipCheck(app, "probes", " ");
    expect(hasOptOuts(lab)).toBe(false);
    expect(optOutAnnotations(app)).toEqual({});
    skipCheck(new Construct(other, "app"), "probes", "reason");
    expect(hasOptOuts(other)).toBe(true);
    expect(hasOptOuts(lab)).toBe(false);
  });
});
