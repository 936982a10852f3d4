/** The `ingress-hosts` and `ingress-backends` checks. */
import { ApiObject } from "cdk8s";
import { describe, expect, it } from "vitest";
import { ingressBackends } from "../lib/check/references/ingress-backends.js";
import { ingressHosts } from "../lib/check/references/ingress-hosts.js";
import { declareExternal } from "../lib/k8s/external.js";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { homelab } from "./fixtures/lab/homelab.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";
import { findingsOf } from "./helpers/check-context.js";

/** An Ingress in namespace `demo` for `host`, to the Service `service` port `port`. */
function ingress(app: HomelabApp, id: string, host: string, service = "web", port: object = { number: 80 }): void {
  new ApiObject(app.apps, id, {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name: id, namespace: "demo" },
    spec: {
      rules: [
        {
          host,
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: service, port } } }] },
        },
      ],
    },
  });
}

/** The Service `web` in namespace `demo`, port 80 named http. */
function web(app: HomelabApp): void {
  new ApiObject(app.apps, "web-service", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "demo" },
    spec: { ports: [{ name: "http", port: 80, targetPort: 8080 }], selector: { app: "web" } },
  });
}

describe("ingress-hosts", () => {
  it("the fixture lab (Nextcloud's Ingress, Pi-hole's chart ingress) has no finding", () => {
    expect(findingsOf(ingressHosts, homelab, defineKubernetes)).toEqual([]);
  });

  it("two Ingresses with one host: an error on the second, naming the first", () => {
    const findings = findingsOf(ingressHosts, homelab, (app) => {
      web(app);
      ingress(app, "one", "cloud.home.example.com");
      ingress(app, "two", "Cloud.home.example.com");
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ object: "Ingress demo/two", path: "spec.rules[0].host" });
    expect(findings[0]!.message).toContain("is also served by Ingress demo/one in dist/apps/one.yaml");
  });

  it("an Ingress and a chart's ingress values with one host clash too", () => {
    const findings = findingsOf(ingressHosts, homelab, (app) => {
      defineKubernetes(app);
      web(app);
      ingress(app, "dns-admin", "pihole.home.example.com");
    });
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining("is also served by HelmRelease pihole/pihole (ingress)"),
    ]);
  });

  it("a host outside the lab's domain is an error with the fqdn to use", () => {
    const findings = findingsOf(ingressHosts, homelab, (app) => {
      web(app);
      ingress(app, "web", "web.example.org");
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('host "web.example.org" is not under the lab\'s domain home.example.com');
    expect(findings[0]!.fix).toContain('homelab.fqdn("web")');
  });

  it("the domain itself and a wildcard under it are fine; a suffix that is not a label boundary is not", () => {
    const findings = findingsOf(ingressHosts, homelab, (app) => {
      web(app);
      ingress(app, "apex", "home.example.com");
      ingress(app, "wild", "*.home.example.com");
      ingress(app, "near", "myhome.example.com");
    });
    expect(findings.map((f) => f.object)).toEqual(["Ingress demo/near"]);
  });
});

describe("ingress-backends", () => {
  it("the fixture lab has no finding", () => {
    expect(findingsOf(ingressBackends, homelab, defineKubernetes)).toEqual([]);
  });

  it("a backend to a Service the lab does not render: an error with the names there are", () => {
    const findings = findingsOf(ingressBackends, homelab, (app) => {
      web(app);
      ingress(app, "web", "web.home.example.com", "wbe");
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      object: "Ingress demo/web",
      path: "spec.rules[0].http.paths[0].backend.service.name",
    });
    expect(findings[0]!.message).toBe(
      "backend Service demo/wbe does not exist: the lab renders no Service of that name in demo",
    );
    expect(findings[0]!.fix).toContain('Did you mean "web"?');
  });

  it("a port the Service lacks, by number or by name, is an error listing its ports; a right name passes", () => {
    const findings = findingsOf(ingressBackends, homelab, (app) => {
      web(app);
      ingress(app, "by-number", "a.home.example.com", "web", { number: 8080 });
      ingress(app, "by-name", "b.home.example.com", "web", { name: "htp" });
      ingress(app, "good", "c.home.example.com", "web", { name: "http" });
    });
    expect(findings.map((f) => [f.object, f.path, f.message])).toEqual([
      [
        "Ingress demo/by-number",
        "spec.rules[0].http.paths[0].backend.service.port.number",
        "Service demo/web has no port 8080 (its ports: 80 (http))",
      ],
      [
        "Ingress demo/by-name",
        "spec.rules[0].http.paths[0].backend.service.port.name",
        'Service demo/web has no port named "htp" (its ports: 80 (http))',
      ],
    ]);
  });

  it("a Service declared external is accepted", () => {
    const findings = findingsOf(ingressBackends, homelab, (app) => {
      declareExternal(app.apps, { kind: "Service", namespace: "demo", name: "legacy", reason: "a hand-made Service" });
      ingress(app, "legacy", "legacy.home.example.com", "legacy");
    });
    expect(findings).toEqual([]);
  });
});
