/**
 * IngressedService through the public API, the way a user's test would: build it in
 * `app.apps` of a HomelabApp on the fixture lab, render, and assert on the manifests.
 */
import { Duration, JsonPatch, Size } from "cdk8s";
import { Cpu } from "cdk8s-plus-30";
import { describe, expect, it } from "vitest";
import { homelab as example } from "./fixtures/lab/homelab.js";
import { EnvValue, HealthCheck, IngressedService, type IngressedServiceProps } from "../lib/k8s/apps/index.js";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { ingressClassName } from "../lib/k8s/infrastructure/conventions.js";
import { Homelab } from "../lib/model/index.js";
import { constructProblems, lab, one, renderApps, type Manifest } from "./helpers/k8s.js";
import { checkManifest } from "./helpers/schemas.js";
import { findingsOf } from "./helpers/check-context.js";
import { ingressBackends } from "../lib/check/references/ingress-backends.js";

const render = renderApps;
const problemsOf = constructProblems;

const base: IngressedServiceProps = { image: "traefik/whoami:v1.10.3", port: 8080 };
const whoami =
  (props: Partial<IngressedServiceProps> = {}) =>
  (app: HomelabApp) =>
    new IngressedService(app.apps, "whoami", { ...base, ...props });

describe("IngressedService", () => {
  it("makes a Deployment, a ClusterIP Service and an Ingress, named after the id, in a restricted namespace of its own", () => {
    const { docs, files } = render(whoami());
    expect(docs.map((d) => `${d.kind}/${d.metadata.namespace ?? ""}/${d.metadata.name}`).sort()).toEqual([
      "Deployment/whoami/whoami",
      "Ingress/whoami/whoami",
      "Namespace//whoami",
      "NetworkPolicy/whoami/default-deny",
      "NetworkPolicy/whoami/whoami",
      "Service/whoami/whoami",
    ]);
    expect([...files.keys()]).toContain("dist/apps/whoami.yaml");
    expect(one(docs, "Namespace").metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    // The namespace's own policy (default-deny, which lets only DNS out) belongs to no one app.
    const namespaceWide = ["default-deny"];
    for (const d of docs.filter((d) => d.kind !== "Namespace" && !namespaceWide.includes(d.metadata.name))) {
      expect(d.metadata.labels).toMatchObject({
        "app.kubernetes.io/name": "whoami",
        "app.kubernetes.io/part-of": "homelab",
      });
    }
    expect(one(docs, "Service").spec).toMatchObject({
      type: "ClusterIP",
      selector: { "app.kubernetes.io/name": "whoami" },
      ports: [{ name: "http", port: 8080, targetPort: "http", protocol: "TCP" }],
    });
    const deployment = one(docs, "Deployment");
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "whoami" });
    expect(deployment.spec.template.spec.containers[0].ports).toEqual([
      { name: "http", containerPort: 8080, protocol: "TCP" },
    ]);
  });

  it("puts the Ingress at <subdomain>.<domain> from the model, with the model's ingress class, cert-manager TLS and external-dns", () => {
    const { docs } = render(whoami({ subdomain: "who" }));
    const ingress = one(docs, "Ingress");
    const host = Homelab.create(example).fqdn("who");
    expect(host).toBe("who.home.example.com");
    expect(ingress.metadata.annotations).toEqual({
      "cert-manager.io/cluster-issuer": "letsencrypt",
      "external-dns.alpha.kubernetes.io/hostname": host,
    });
    expect(ingress.spec.ingressClassName).toBe("traefik");
    expect(ingress.spec.tls).toEqual([{ hosts: [host], secretName: "whoami-tls" }]);
    expect(ingress.spec.rules).toEqual([
      {
        host,
        http: {
          paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "whoami", port: { number: 8080 } } } }],
        },
      },
    ]);
    // The backend is the Service and its port.
    const service = one(docs, "Service");
    expect(ingress.spec.rules[0].http.paths[0].backend.service.port.number).toBe(service.spec.ports[0].port);
  });

  it("follows the model: the subdomain defaults to the id, the domain and the ingress class come from the lab", () => {
    const spec = lab((s) => {
      s.network.domain = "lab.example.org";
      s.kubernetes.dns = { zone: "example.org" };
      s.kubernetes.ingressController = "ingress-nginx";
    });
    const ingress = one(render(whoami(), spec).docs, "Ingress");
    expect(ingress.spec.rules[0].host).toBe("whoami.lab.example.org");
    expect(ingress.metadata.annotations["external-dns.alpha.kubernetes.io/hostname"]).toBe("whoami.lab.example.org");
    // The IngressClass the infrastructure's controller chart creates for the model's choice.
    expect(ingress.spec.ingressClassName).toBe(ingressClassName(Homelab.create(spec)));
    expect(ingress.spec.ingressClassName).toBe("ingress-nginx");
  });

  it("is secure and homelab-sized by default", () => {
    const deployment = one(render(whoami()).docs, "Deployment");
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.imagePullPolicy).toBe("IfNotPresent");
    expect(container.resources).toEqual({ requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } });
    expect(container.resources.limits.cpu).toBeUndefined();
    expect(deployment.spec.strategy).toBeUndefined();
    expect(pod.volumes).toBeUndefined();
  });

  it("probes readiness and liveness on / by default, and takes a health check", () => {
    const probes = (docs: Manifest[]) => one(docs, "Deployment").spec.template.spec.containers[0];
    const byDefault = probes(render(whoami()).docs);
    expect(byDefault.readinessProbe.httpGet).toEqual({ path: "/", port: "http" });
    expect(byDefault.livenessProbe.httpGet).toEqual({ path: "/", port: "http" });
    expect(byDefault.startupProbe).toMatchObject({
      httpGet: { path: "/", port: "http" },
      periodSeconds: 10,
      failureThreshold: 30,
    });

    const custom = probes(
      render(
        whoami({
          healthCheck: HealthCheck.http("/healthz", { liveness: false, startupTimeout: Duration.minutes(10) }),
        }),
      ).docs,
    );
    expect(custom.readinessProbe.httpGet.path).toBe("/healthz");
    expect(custom.livenessProbe).toBeUndefined();
    expect(custom.startupProbe.failureThreshold).toBe(60);

    const none = probes(render(whoami({ healthCheck: HealthCheck.none() })).docs);
    expect([none.readinessProbe, none.livenessProbe, none.startupProbe]).toEqual([undefined, undefined, undefined]);
  });

  it("passes plain env values and Secret references, never secret data", () => {
    const { docs, warnings } = render(
      whoami({
        env: {
          TZ: "Europe/Berlin",
          API_TOKEN: EnvValue.fromSecret("whoami-token", "token"),
          ADMIN_PASSWORD: EnvValue.fromSopsSecret("whoami-admin", "password", "whoami admin password"),
        },
      }),
    );
    expect(one(docs, "Deployment").spec.template.spec.containers[0].env).toEqual([
      { name: "TZ", value: "Europe/Berlin" },
      { name: "API_TOKEN", valueFrom: { secretKeyRef: { name: "whoami-token", key: "token" } } },
      { name: "ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: "whoami-admin", key: "password" } } },
    ]);
    expect(docs.filter((d) => d.kind === "Secret")).toEqual([]);
    // The SOPS-kept Secret is expected by the layer: synth says how to create it; the in-cluster one is not.
    expect(warnings.some((w) => w.includes("whoami/whoami-admin: whoami admin password"))).toBe(true);
    expect(warnings.some((w) => w.includes("whoami-token"))).toBe(false);
  });

  it("attaches a ReadWriteOnce volume on the model's StorageClass and recreates the pod instead of rolling", () => {
    const { docs } = render(
      whoami({ storage: { size: Size.gibibytes(2), mountPath: "/data" }, writablePaths: ["/tmp", "/var/cache/app"] }),
    );
    const pvc = one(docs, "PersistentVolumeClaim", "whoami-data");
    expect(pvc.metadata.namespace).toBe("whoami");
    expect(pvc.spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      storageClassName: "longhorn",
      resources: { requests: { storage: "2Gi" } },
    });
    const deployment = one(docs, "Deployment");
    expect(deployment.spec.strategy).toEqual({ type: "Recreate" });
    const pod = deployment.spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: "data", persistentVolumeClaim: { claimName: "whoami-data" } },
      { name: "tmp", emptyDir: {} },
      { name: "var-cache-app", emptyDir: {} },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: "data", mountPath: "/data" },
      { name: "tmp", mountPath: "/tmp" },
      { name: "var-cache-app", mountPath: "/var/cache/app" },
    ]);

    const other = lab((s) => (s.kubernetes.storageClass = "local-path"));
    expect(
      one(
        render(whoami({ storage: { size: Size.mebibytes(512), mountPath: "/data" } }), other).docs,
        "PersistentVolumeClaim",
      ).spec,
    ).toMatchObject({
      storageClassName: "local-path",
      resources: { requests: { storage: "512Mi" } },
    });
    const explicit = render(
      whoami({ storage: { size: Size.gibibytes(1), mountPath: "/data", storageClass: "nfs" } }),
    ).docs;
    expect(one(explicit, "PersistentVolumeClaim").spec.storageClassName).toBe("nfs");
  });

  it("has documented opt-outs: a writable root filesystem, another user id, more resources", () => {
    const deployment = one(
      render(
        whoami({
          readOnlyRootFilesystem: false,
          runAsUser: 568,
          resources: { cpu: Cpu.millis(200), memory: Size.mebibytes(256), memoryLimit: Size.gibibytes(1) },
        }),
      ).docs,
      "Deployment",
    );
    const pod = deployment.spec.template.spec;
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsUser: 568, runAsGroup: 568, fsGroup: 568, runAsNonRoot: true });
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: "200m", memory: "256Mi" },
      limits: { memory: "1024Mi" },
    });
  });

  it("refuses a port below 1024 for a non-root app, unless allowLowPorts sets the safe sysctl", () => {
    expect(problemsOf(whoami({ port: 80 })).join("\n")).toMatch(
      /port 80 is below 1024, which a non-root app cannot bind: set allowLowPorts: true/,
    );
    const { docs } = render(whoami({ port: 80, allowLowPorts: true }));
    const pod = one(docs, "Deployment").spec.template.spec;
    expect(pod.securityContext.sysctls).toEqual([{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }]);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext.capabilities).toEqual({ drop: ["ALL"] });
  });

  it("accepts a digest instead of a tag", () => {
    const image = `ghcr.io/example/app@sha256:${"a".repeat(64)}`;
    expect(one(render(whoami({ image })).docs, "Deployment").spec.template.spec.containers[0].image).toBe(image);
  });

  it("rejects an image without a pinned version, naming the image and the fix", () => {
    const latest = problemsOf(whoami({ image: "traefik/whoami:latest" }));
    expect(latest).toHaveLength(1);
    expect(latest[0]).toMatch(
      /^\[apps\/whoami\/workload\] image "traefik\/whoami:latest" uses the tag "latest".*pin a version \(e\.g\. "traefik\/whoami:1\.2\.3"\)/,
    );
    const untagged = problemsOf(whoami({ image: "registry.local:5000/whoami" }));
    expect(untagged[0]).toMatch(
      /image "registry\.local:5000\/whoami" has no tag.*"registry\.local:5000\/whoami:1\.2\.3"/,
    );
  });

  it("reports every problem at once", () => {
    const problems = problemsOf((app) => {
      new IngressedService(app.apps, "whoami", {
        ...base,
        image: "nginx",
        subdomain: "Not_A_Host",
        replicas: 2,
        runAsUser: 0,
        storage: { size: Size.gibibytes(1), mountPath: "data" },
      });
    });
    expect(problems.some((p) => p.includes('image "nginx" has no tag'))).toBe(true);
    expect(problems.some((p) => p.includes('subdomain "Not_A_Host" is not a DNS name'))).toBe(true);
    expect(problems.some((p) => p.includes("replicas is 2 but storage is a ReadWriteOnce volume"))).toBe(true);
    expect(problems.some((p) => p.includes("runAsUser 0 (root) is not allowed"))).toBe(true);
    expect(problems.some((p) => p.includes('mount path "data" must be absolute'))).toBe(true);
  });

  it("has its Ingress backend port checked on the objects as rendered (after escape-hatch patches)", () => {
    const define = (patch: boolean) => (app: HomelabApp) => {
      const svc = new IngressedService(app.apps, "whoami", base);
      if (patch)
        svc.ingress.addJsonPatch(JsonPatch.replace("/spec/rules/0/http/paths/0/backend/service/port/number", 9090));
    };
    expect(findingsOf(ingressBackends, lab(), define(false))).toEqual([]);
    const findings = findingsOf(ingressBackends, lab(), define(true));
    expect(findings.map((f) => [f.object, f.path, f.construct])).toEqual([
      ["Ingress whoami/whoami", "spec.rules[0].http.paths[0].backend.service.port.number", "apps/whoami/ingress"],
    ]);
    expect(findings[0]!.message).toContain("9090");
  });

  it("renders manifests that pass the upstream schemas and the project's rules", () => {
    const { docs } = render(
      whoami({
        env: { A: "b", S: EnvValue.fromSecret("s", "k") },
        storage: { size: Size.gibibytes(1), mountPath: "/data" },
        writablePaths: ["/tmp"],
      }),
    );
    expect(docs.flatMap((d) => checkManifest(d))).toEqual([]);
  });
});
