/** The `load-balancer-ips` check, and the model's refusal of a reservation on the LAN's network or broadcast address. */
import { ApiObject } from "cdk8s";
import { describe, expect, it } from "vitest";
import { loadBalancerIps } from "../lib/check/references/load-balancer-ips.js";
import { ChartSource, HelmApp } from "../lib/k8s/infrastructure/index.js";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { Homelab, formatProblems } from "../lib/model/index.js";
import { homelab } from "./fixtures/lab/homelab.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";
import { findingsOf } from "./helpers/check-context.js";

/** A LoadBalancer Service in namespace `demo`, asking MetalLB for addresses through `annotations` and `spec`. */
function service(app: HomelabApp, id: string, annotations: Record<string, string>, spec: object = {}): void {
  new ApiObject(app.apps, id, {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: id, namespace: "demo", annotations },
    spec: { type: "LoadBalancer", ports: [{ name: "dns", port: 53, protocol: "UDP" }], ...spec },
  });
}

const run = (define: (app: HomelabApp) => void, spec: unknown = homelab) => findingsOf(loadBalancerIps, spec, define);

describe("load-balancer-ips", () => {
  it("the fixture lab (Pi-hole's shared DNS address, WireGuard, the ingress controller) has no finding", () => {
    expect(run(defineKubernetes)).toEqual([]);
  });

  it("an address in the pool that is not a reservation is an error at the annotation", () => {
    const [f, ...rest] = run((app) => service(app, "dns", { "metallb.io/loadBalancerIPs": "192.168.1.210" }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      check: "load-balancer-ips",
      severity: "error",
      file: "dist/apps/dns.yaml",
      object: "Service demo/dns",
      path: 'metadata.annotations["metallb.io/loadBalancerIPs"]',
      construct: "apps/dns",
    });
    expect(f!.message).toContain("192.168.1.210 is in the MetalLB pool but not a reservation");
    expect(f!.fix).toContain("network.loadBalancerIps");
  });

  it("spec.loadBalancerIP on the LAN's broadcast address, and one outside the pool, are errors", () => {
    const findings = run((app) => {
      service(app, "a", {}, { loadBalancerIP: "192.168.1.255" });
      service(app, "b", { "metallb.io/loadBalancerIPs": "192.168.1.50" });
    });
    expect(findings.map((f) => [f.object, f.path, f.message])).toEqual([
      ["Service demo/a", "spec.loadBalancerIP", expect.stringContaining("is the broadcast address of the LAN")],
      [
        "Service demo/b",
        'metadata.annotations["metallb.io/loadBalancerIPs"]',
        expect.stringContaining("192.168.1.50 is outside the MetalLB pool (192.168.1.200-192.168.1.220)"),
      ],
    ]);
  });

  it("one reservation held by two Services is an error naming the first holder", () => {
    const findings = run((app) => {
      defineKubernetes(app);
      service(app, "second", { "metallb.io/loadBalancerIPs": "192.168.1.201" });
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.object).toBe("Service demo/second");
    expect(findings[0]!.message).toContain(
      "192.168.1.201 (network.loadBalancerIps.wireguard) is also held by Service wireguard/wireguard in dist/apps/wireguard.yaml",
    );
    expect(findings[0]!.fix).toContain("metallb.io/allow-shared-ip");
  });

  it("Services that share a reservation on purpose (one allow-shared-ip key) pass; different keys do not", () => {
    const shared = { "metallb.io/loadBalancerIPs": "192.168.1.205", "metallb.io/allow-shared-ip": "dns" };
    const spec = structuredClone(homelab) as any;
    spec.network.loadBalancerIps.dns = "192.168.1.205";
    expect(
      run((app) => {
        service(app, "dns-tcp", shared);
        service(app, "dns-udp", shared);
      }, spec),
    ).toEqual([]);
    const clash = run((app) => {
      service(app, "dns-tcp", shared);
      service(app, "dns-udp", { ...shared, "metallb.io/allow-shared-ip": "other" });
    }, spec);
    expect(clash.map((f) => f.object)).toEqual(["Service demo/dns-udp"]);
  });

  it("a chart value we set counts as a Service: its address is checked, and a second holder is refused", () => {
    const findings = run((app) => {
      defineKubernetes(app);
      // In the apps layer, rendered after Pi-hole's add-ons layer: the second holder is blocky.
      new HelmApp(app.apps, "blocky", {
        chart: ChartSource.helmRepository({ url: "https://charts.example.org", chart: "blocky", version: "1.0.0" }),
        values: { service: { type: "LoadBalancer", loadBalancerIP: "192.168.1.200" } },
      });
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      object: "HelmRelease blocky/blocky",
      path: "spec.values.service.loadBalancerIP",
    });
    expect(findings[0]!.message).toContain(
      "(network.loadBalancerIps.pihole) is also held by HelmRelease pihole/pihole",
    );
  });

  it("an address that is not an IPv4 address is an error, not a crash", () => {
    const [f] = run((app) => service(app, "bad", { "metallb.io/loadBalancerIPs": "192.168.1.300" }));
    expect(f!.message).toMatch(/^load-balancer IP: /);
  });
});

describe("the model refuses a reservation on the LAN's network or broadcast address", () => {
  for (const [address, which] of [
    ["192.168.1.255", "broadcast"],
    ["192.168.1.0", "network"],
  ] as const) {
    it(`${address}: an error at network.loadBalancerIps.dns saying it is the ${which} address`, () => {
      const spec = structuredClone(homelab) as any;
      spec.network.metallbPool = ["192.168.1.0/32", "192.168.1.200-192.168.1.255"];
      spec.network.loadBalancerIps.dns = address;
      const { homelab: lab, problems } = Homelab.validate(spec);
      expect(lab).toBeUndefined();
      const errors = problems.filter((p) => p.level === "error");
      expect(errors.map((p) => p.path.join("."))).toEqual(["network.loadBalancerIps.dns"]);
      expect(formatProblems(errors)).toContain(`${address} is the ${which} address of the LAN 192.168.1.0/24`);
    });
  }
});
