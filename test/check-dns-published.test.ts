/** The dns-published check: a warning for every served host name nothing publishes in the lab's DNS zone. */
import { describe, expect, it } from "vitest";
import { ApiObject } from "cdk8s";
import { render } from "../lib/synth/render.js";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { homelab } from "./fixtures/lab/homelab.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";
import { dnsPublished } from "../lib/check/policies/dns-published.js";
import { findingsOf } from "./helpers/check-context.js";

function findings(change: (s: any) => void, extra?: (app: HomelabApp) => void) {
  const spec = structuredClone(homelab) as any;
  change(spec);
  const r = render({
    spec,
    source: "apps/homelab.ts",
    kubernetes: (app) => {
      defineKubernetes(app);
      extra?.(app);
    },
  });
  return r.checks.findings.filter((f) => f.check === "dns-published");
}

describe("dns-published", () => {
  it("finds nothing in the fixture lab: every host is under the zone and external-dns publishes it", () => {
    expect(findings(() => {})).toEqual([]);
  });

  it("warns for every served host when the model publishes no records, naming the document and the fix", () => {
    const found = findings((s) => {
      s.kubernetes.dns = { zone: "example.com", publish: false };
    });
    expect(found.map((f) => [f.severity, f.object, f.path])).toEqual([
      ["warning", "HelmRelease pihole/pihole", "spec.values.ingress.hosts[0]"],
      ["warning", "Ingress nextcloud/nextcloud", "spec.rules[0].host"],
    ]);
    expect(found[1]!.message).toContain('nothing publishes "cloud.home.example.com"');
    expect(found[1]!.fix).toContain("kubernetes.dns.publish");
    expect(found[1]!.file).toBe("dist/apps/nextcloud.yaml");
  });

  it("warns for a host outside the zone, which external-dns never publishes", () => {
    // Through synth, ingress-hosts refuses a host outside the lab's domain first (the domain is in the zone);
    // the check on its own still names it, for a document that reaches it.
    const found = findingsOf(dnsPublished, homelab, (app) => {
      defineKubernetes(app);
      new ApiObject(app.apps, "elsewhere", {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "elsewhere", namespace: "nextcloud" },
        spec: { rules: [{ host: "files.example.org" }, { host: "files.home.example.com" }] },
      });
    });
    expect(found).toHaveLength(1);
    expect(found[0]!.object).toBe("Ingress nextcloud/elsewhere");
    expect(found[0]!.path).toBe("spec.rules[0].host");
    expect(found[0]!.message).toBe(
      '"files.example.org" is outside the DNS zone "example.com" (kubernetes.dns.zone), ' +
        "so external-dns never publishes it",
    );
  });
});

describe("dns-published on a lab without Kubernetes", () => {
  it("finds nothing and does not throw", () => {
    const spec = structuredClone(homelab) as any;
    delete spec.kubernetes;
    const r = render({ spec, source: "apps/homelab.ts" });
    expect(r.checks.findings.filter((f) => f.check === "dns-published")).toEqual([]);
  });
});
