/**
 * Opting out of a check per construct (skipCheck): the reason lands on every document rendered under
 * the construct as `checks.cdk8s-homelab.io/<check-id>`, runChecks lists the findings as skipped,
 * and a bad opt-out is an error naming the construct's path.
 */
import { JsonPatch } from "cdk8s";
import { Construct } from "constructs";
import { k8s } from "cdk8s-plus-30";
import { describe, expect, it } from "vitest";
import { CheckError, OPT_OUT_PREFIX, skipCheck } from "../lib/check/index.js";
import { formatSkipped, printCheck, type CheckReport } from "../lib/cli/commands/check.js";
import { ConstructValidationError } from "../lib/k8s/render.js";
import { type HomelabApp, ensureNamespace, skipCheck as skipCheckFromK8s } from "../lib/k8s/index.js";
import { render } from "../lib/synth/render.js";
import { homelab } from "./fixtures/lab/homelab.js";

/** A raw Deployment (a user's own object) that only breaks `image-pinned`: its image is `:latest`. */
function latestDeployment(scope: Construct, id: string): k8s.KubeDeployment {
  return new k8s.KubeDeployment(scope, id, {
    metadata: { name: "tool", namespace: "tools" },
    spec: {
      selector: { matchLabels: { app: "tool" } },
      template: {
        metadata: { labels: { app: "tool" } },
        spec: {
          containers: [
            {
              name: "tool",
              image: "ghcr.io/example/tool:latest",
              resources: {
                requests: { cpu: k8s.Quantity.fromString("10m"), memory: k8s.Quantity.fromString("32Mi") },
                limits: { memory: k8s.Quantity.fromString("64Mi") },
              },
              readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(8080) } },
              livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(8080) } },
            },
          ],
        },
      },
    },
  });
}

function lab(build: (app: HomelabApp) => void) {
  return render({ spec: homelab, source: "apps/homelab.ts", kubernetes: build });
}

describe("skipCheck", () => {
  it("is the same function from cdk8s-homelab/check and cdk8s-homelab/k8s", () => {
    expect(skipCheckFromK8s).toBe(skipCheck);
  });

  it("without it, a :latest image stops synth", () => {
    expect(() => lab((app) => latestDeployment(new Construct(app.apps, "tool"), "deployment"))).toThrow(CheckError);
  });

  it("annotates every document under the construct and lists the findings as skipped with the reason", () => {
    const rendered = lab((app) => {
      const tool = new Construct(app.apps, "tool");
      latestDeployment(tool, "deployment");
      skipCheck(tool, "image-pinned", "the vendor publishes :latest only; Renovate pins the digest next week");
    });
    const text = rendered.files.get("dist/apps/tool.yaml")!;
    expect(text).toContain(
      `${OPT_OUT_PREFIX}image-pinned: the vendor publishes :latest only; Renovate pins the digest next week`,
    );
    const { findings, skipped } = rendered.checks;
    expect(findings.filter((f) => f.check === "image-pinned")).toEqual([]);
    expect(skipped).toMatchObject([
      {
        check: "image-pinned",
        object: "Deployment tools/tool",
        path: "spec.template.spec.containers[0].image",
        reason: "the vendor publishes :latest only; Renovate pins the digest next week",
      },
    ]);
    // An opt-out on one construct does not reach its siblings.
    expect(() =>
      lab((app) => {
        const tool = new Construct(app.apps, "tool");
        latestDeployment(new Construct(app.apps, "other"), "deployment");
        skipCheck(tool, "image-pinned", "only the tool");
      }),
    ).toThrow(CheckError);
  });

  it("an opt-out of the constructs that asked for a namespace reaches the namespace (network-policy)", () => {
    // The app constructs isolate their namespaces; a user's own Deployment in a namespace it asks for does not.
    const ownDeployment = (scope: Construct, id: string, namespace: string): Construct => {
      const c = new Construct(scope, id);
      ensureNamespace(c, namespace, "baseline");
      const d = latestDeployment(c, "deployment");
      d.addJsonPatch(JsonPatch.replace("/metadata/namespace", namespace), JsonPatch.replace("/metadata/name", id));
      d.addJsonPatch(JsonPatch.replace("/spec/template/spec/containers/0/image", "ghcr.io/example/tool:1.0.0"));
      return c;
    };
    const rendered = lab((app) => {
      const web = ownDeployment(app.apps, "web", "web");
      skipCheck(web, "network-policy", "NetworkPolicies come with the deploys-for-real issue");
    });
    const ns = rendered.checks.skipped.find((s) => s.object === "Namespace web");
    expect(ns).toMatchObject({
      check: "network-policy",
      reason: "NetworkPolicies come with the deploys-for-real issue",
    });
    expect(rendered.checks.findings.filter((f) => f.object === "Namespace web")).toEqual([]);
    const namespaces = rendered.files.get("dist/apps/namespaces.yaml")!;
    expect(namespaces).toContain(
      `${OPT_OUT_PREFIX}network-policy: NetworkPolicies come with the deploys-for-real issue`,
    );
    // Two constructs share the namespace and only one opts out: the warning stays.
    const shared = lab((app) => {
      const a = ownDeployment(app.apps, "a", "web");
      ownDeployment(app.apps, "b", "web");
      skipCheck(a, "network-policy", "only a");
    });
    expect(shared.checks.findings.filter((f) => f.object === "Namespace web").map((f) => f.check)).toEqual([
      "network-policy",
    ]);
  });

  it("refuses an unknown check, a check that cannot be skipped, and an empty reason, by the construct's path", () => {
    const refused = (checkId: string, reason: string): string => {
      try {
        lab((app) => skipCheck(new Construct(app.apps, "tool"), checkId, reason));
      } catch (e) {
        expect(e).toBeInstanceOf(ConstructValidationError);
        return (e as ConstructValidationError).problems.join("\n");
      }
      throw new Error("not refused");
    };
    expect(refused("image-pined", "typo")).toMatch(
      /^\[apps\/tool\] skipCheck: there is no check "image-pined"; use one of .*image-pinned/,
    );
    expect(refused("volume-size", "we know")).toMatch(
      /^\[apps\/tool\] skipCheck: the check "volume-size" cannot be skipped/,
    );
    expect(refused("probes", "  ")).toMatch(/^\[apps\/tool\] skipCheck: skipping "probes" needs a reason/);
  });
});

describe("check's human output", () => {
  it("prints each skipped finding on one line with its reason", () => {
    const skipped = {
      check: "image-pinned",
      severity: "error" as const,
      file: "dist/apps/tool.yaml",
      object: "Deployment tools/tool",
      path: "spec.template.spec.containers[0].image",
      construct: "apps/tool/deployment",
      message: 'container "tool" runs "ghcr.io/example/tool:latest", tagged :latest',
      fix: "pin it",
      reason: "vendor only publishes latest",
    };
    const report: CheckReport = {
      ok: true,
      files: 3,
      errors: [],
      warnings: [],
      drift: [],
      interrupted: false,
      findings: [],
      skipped: [skipped],
    };
    let err = "";
    let out = "";
    const code = printCheck(
      { err: (t: string) => void (err += t), out: (t: string) => void (out += t) } as never,
      report,
    );
    expect(code).toBe(0);
    expect(err).toBe(`skipped: ${formatSkipped(skipped)}\n`);
    expect(err).toBe(
      "skipped: [image-pinned] dist/apps/tool.yaml: Deployment tools/tool at spec.template.spec.containers[0].image: " +
        'container "tool" runs "ghcr.io/example/tool:latest", tagged :latest (opted out: vendor only publishes latest)\n',
    );
    expect(out).toContain("3 generated files are up to date");
  });
});
