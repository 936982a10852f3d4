/**
 * The policies, each alone, on small documents built inline: a good lab passes, and each bad
 * field is found with its check, severity, JSON path and construct.
 */
import { describe, expect, it } from "vitest";
import { Homelab } from "../lib/model/index.js";
import type { CheckContext, CheckedDocument } from "../lib/check/context.js";
import type { Check } from "../lib/check/check.js";
import type { Doc } from "../lib/k8s/documents.js";
import { policyChecks } from "../lib/check/policies/index.js";
import { podSecurity } from "../lib/check/policies/pod-security.js";
import { podSecurityLevel } from "../lib/check/policies/pod-security-level.js";
import { containerResources } from "../lib/check/policies/container-resources.js";
import { noCpuLimit } from "../lib/check/policies/no-cpu-limit.js";
import { probes } from "../lib/check/policies/probes.js";
import { imagePinned, imageTag } from "../lib/check/policies/image-pinned.js";
import {
  looksLikeCredential,
  looksLikeCredentialValueKey,
  plaintextSecret,
} from "../lib/check/policies/plaintext-secret.js";
import { networkPolicy } from "../lib/check/policies/network-policy.js";
import { scaledToZero } from "../lib/check/policies/scaled-to-zero.js";
import { volumeSize } from "../lib/check/policies/volume-size.js";
import { parseQuantity } from "../lib/check/quantity.js";
import { homelab as spec } from "./fixtures/lab/homelab.js";

const homelab = Homelab.validate(spec).homelab!;

function namespace(name: string, level: string | undefined): Doc {
  const labels = level === undefined ? {} : { "pod-security.kubernetes.io/enforce": level };
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } } as Doc;
}

/** A Deployment that passes every policy (what Workload renders for Nextcloud, trimmed). */
function deployment(ns = "nextcloud", name = "nextcloud"): any {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: ns },
    spec: {
      replicas: 1,
      template: {
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 33, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name,
              image: "docker.io/library/nextcloud:32.0.1-apache",
              env: [
                { name: "OVERWRITEPROTOCOL", value: "https" },
                {
                  name: "POSTGRES_PASSWORD",
                  valueFrom: { secretKeyRef: { name: "nextcloud-db-app", key: "password" } },
                },
              ],
              resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "1024Mi" } },
              readinessProbe: { httpGet: { path: "/status.php", port: "http" } },
              livenessProbe: { httpGet: { path: "/status.php", port: "http" } },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"] },
                runAsNonRoot: true,
                seccompProfile: { type: "RuntimeDefault" },
              },
            },
          ],
        },
      },
    },
  };
}

function ctx(...docs: any[]): CheckContext {
  const documents: CheckedDocument[] = docs.map((doc) => ({
    file: `dist/apps/${doc.metadata.namespace ?? doc.metadata.name}.yaml`,
    doc,
    construct: `apps/${doc.metadata.namespace ?? doc.metadata.name}/${doc.kind}`,
  }));
  return { homelab, documents, secrets: [], sopsFiles: [] };
}

function run(check: Check, ...docs: any[]) {
  return check.run(ctx(...docs));
}

const POD = "spec.template.spec";
const C0 = `${POD}.containers[0]`;

describe("every policy", () => {
  it("has a lowercase id, a one-line doc, and passes the good lab (a NetworkPolicy included)", () => {
    const policy = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "deny", namespace: "nextcloud" },
    };
    for (const check of policyChecks) {
      expect(check.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(check.doc).not.toContain("\n");
      expect(check.run(ctx(namespace("nextcloud", "restricted"), deployment(), policy)), check.id).toEqual([]);
    }
    expect(new Set(policyChecks.map((c) => c.id)).size).toBe(policyChecks.length);
  });
});

describe("pod-security", () => {
  it("finds a pod in a restricted namespace without runAsNonRoot, seccompProfile or dropped capabilities", () => {
    const d = deployment();
    delete d.spec.template.spec.securityContext;
    const c = d.spec.template.spec.containers[0];
    delete c.securityContext.runAsNonRoot;
    delete c.securityContext.seccompProfile;
    c.securityContext.capabilities = {};
    const findings = run(podSecurity, namespace("nextcloud", "restricted"), d);
    expect(findings.map((f) => f.path)).toEqual([
      `${C0}.securityContext.runAsNonRoot`,
      `${C0}.securityContext.seccompProfile.type`,
      `${C0}.securityContext.capabilities.drop`,
    ]);
    expect(findings[0]).toMatchObject({
      check: "pod-security",
      severity: "error",
      file: "dist/apps/nextcloud.yaml",
      object: "Deployment nextcloud/nextcloud",
      construct: "apps/nextcloud/Deployment",
    });
    expect(findings[1]!.message).toContain('Pod Security "restricted" (namespace nextcloud)');
    expect(findings[1]!.fix).toContain("RuntimeDefault");
  });

  it("takes runAsNonRoot and seccompProfile from the pod's securityContext", () => {
    const d = deployment();
    const c = d.spec.template.spec.containers[0];
    delete c.securityContext.runAsNonRoot;
    delete c.securityContext.seccompProfile;
    expect(run(podSecurity, namespace("nextcloud", "restricted"), d)).toEqual([]);
  });

  it("finds a privileged-needing pod in a restricted or baseline namespace, and lets it be in a privileged one", () => {
    const d = deployment("wireguard", "wireguard");
    const spec = d.spec.template.spec;
    spec.hostNetwork = true;
    spec.containers[0].securityContext.capabilities.add = ["NET_ADMIN"];
    spec.containers[0].securityContext.privileged = true;
    spec.securityContext.sysctls = [{ name: "net.ipv4.ip_forward", value: "1" }];
    const paths = [
      `${POD}.hostNetwork`,
      `${POD}.securityContext.sysctls[0]`,
      `${C0}.securityContext.privileged`,
      `${C0}.securityContext.capabilities.add[0]`,
    ];
    expect(run(podSecurity, namespace("wireguard", "restricted"), d).map((f) => f.path)).toEqual(paths);
    expect(run(podSecurity, namespace("wireguard", "baseline"), d).map((f) => f.path)).toEqual(paths);
    expect(run(podSecurity, namespace("wireguard", "privileged"), d)).toEqual([]);
  });

  it("lets baseline run as root but not mount a hostPath or use Unconfined seccomp", () => {
    const d = deployment();
    const spec = d.spec.template.spec;
    spec.securityContext = { runAsUser: 0, seccompProfile: { type: "Unconfined" } };
    spec.containers[0].securityContext = {};
    spec.volumes = [{ name: "host", hostPath: { path: "/var/lib" } }];
    expect(run(podSecurity, namespace("nextcloud", "baseline"), d).map((f) => f.path)).toEqual([
      `${POD}.securityContext.seccompProfile.type`,
      `${POD}.volumes[0].hostPath`,
    ]);
    expect(run(podSecurity, namespace("nextcloud", "restricted"), d).map((f) => f.path)).toContain(
      `${POD}.securityContext.runAsUser`,
    );
  });

  it("finds CronJob pods and an enforce label that is no level; ignores namespaces it does not render", () => {
    const cron: any = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "backup", namespace: "nextcloud" },
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "b", image: "busybox:1.37" }] } } } } },
    };
    const found = run(podSecurity, namespace("nextcloud", "restricted"), cron);
    expect(found[0]!.path).toBe(
      "spec.jobTemplate.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
    );
    expect(run(podSecurity, cron)).toEqual([]);
    const bad = run(podSecurity, namespace("nextcloud", "Restricted"));
    expect(bad).toHaveLength(1);
    expect(bad[0]!.message).toContain('"Restricted" is not one of privileged, baseline, restricted');
  });
});

describe("pod-security-level", () => {
  it("warns about a namespace without an enforce label and one looser than its pods need", () => {
    const findings = run(
      podSecurityLevel,
      namespace("nextcloud", "privileged"),
      deployment(),
      namespace("bare", undefined),
    );
    expect(findings.map((f) => [f.severity, f.object, f.message])).toEqual([
      ["warning", "Namespace nextcloud", 'namespace nextcloud enforces "privileged" but its pods pass "restricted"'],
      ["warning", "Namespace bare", expect.stringContaining("has no pod-security.kubernetes.io/enforce label")],
    ]);
  });

  it("leaves a namespace with a HelmRelease alone (the chart's pods are not in dist/)", () => {
    const release = {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "x", namespace: "nextcloud" },
    };
    expect(run(podSecurityLevel, namespace("nextcloud", "privileged"), deployment(), release)).toEqual([]);
  });
});

describe("container-resources", () => {
  it("finds a container without requests or a memory limit, and a limit below the request", () => {
    const d = deployment();
    d.spec.template.spec.containers[0].resources = {};
    d.spec.template.spec.initContainers = [
      {
        name: "init",
        image: "busybox:1.37",
        resources: { requests: { cpu: "10m", memory: "1Gi" }, limits: { memory: "512Mi" } },
      },
    ];
    const findings = run(containerResources, d);
    expect(findings.map((f) => f.path)).toEqual([
      `${C0}.resources.requests.cpu`,
      `${C0}.resources.requests.memory`,
      `${C0}.resources.limits.memory`,
      `${POD}.initContainers[0].resources.limits.memory`,
    ]);
    expect(findings.every((f) => f.severity === "error")).toBe(true);
    expect(findings[3]!.message).toContain("limits memory to 512Mi, below its request 1Gi");
  });
});

describe("no-cpu-limit", () => {
  it("warns about a CPU limit", () => {
    const d = deployment();
    d.spec.template.spec.containers[0].resources.limits.cpu = "500m";
    const findings = run(noCpuLimit, d);
    expect(findings).toMatchObject([{ severity: "warning", path: `${C0}.resources.limits.cpu` }]);
    expect(findings[0]!.message).toContain("(500m)");
  });
});

describe("probes", () => {
  it("warns about a container with only a readiness probe; a startup probe alone is enough; Jobs need none", () => {
    const d = deployment();
    delete d.spec.template.spec.containers[0].livenessProbe;
    const findings = run(probes, d);
    expect(findings).toMatchObject([{ severity: "warning", path: C0 }]);
    expect(findings[0]!.message).toBe('container "nextcloud" has no liveness probe (and no startup probe)');
    const c = d.spec.template.spec.containers[0];
    delete c.readinessProbe;
    c.startupProbe = { tcpSocket: { port: 80 } };
    expect(run(probes, d)).toEqual([]);
    delete c.startupProbe;
    expect(run(probes, { ...d, kind: "Job" })).toEqual([]);
  });
});

describe("image-pinned", () => {
  it("reads the tag past a registry port and a digest", () => {
    expect(imageTag("registry.lan:5000/app")).toBeUndefined();
    expect(imageTag("registry.lan:5000/app:1.2")).toBe("1.2");
    expect(imageTag("nginx")).toBeUndefined();
    expect(imageTag("ghcr.io/o/app:v1@sha256:abc")).toBe("v1");
  });

  it("refuses :latest and an untagged image, takes a tag or a digest", () => {
    const images = ["nginx", "nginx:latest", "registry.lan:5000/app", "nginx:1.27", `nginx@sha256:${"a".repeat(64)}`];
    const found = images.map((image) => {
      const d = deployment();
      d.spec.template.spec.containers[0].image = image;
      return run(imagePinned, d).map((f) => f.message);
    });
    expect(found.map((f) => f.length)).toEqual([1, 1, 1, 0, 0]);
    expect(found[0]![0]).toContain('"nginx", which has no tag');
    expect(found[1]![0]).toContain("tagged :latest");
  });
});

describe("plaintext-secret", () => {
  it("knows a credential's name from a pointer to one", () => {
    for (const n of [
      "DB_PASSWORD",
      "admin-passwd",
      "API_TOKEN",
      "CLIENT_SECRET",
      "AWS_SECRET_ACCESS_KEY",
      "api-key",
      "KEY",
      "SIGNING_KEY",
    ])
      expect(looksLikeCredential(n), n).toBe(true);
    for (const n of [
      "POSTGRES_PASSWORD_FILE",
      "EXISTING_SECRET_NAME",
      "WG_PUBLIC_KEY",
      "KEYBOARD",
      "OVERWRITEPROTOCOL",
      "wg0.conf",
    ])
      expect(looksLikeCredential(n), n).toBe(false);
  });

  it("refuses a literal credential in env without echoing it; a reference or an empty value is fine", () => {
    const d = deployment();
    d.spec.template.spec.containers[0].env.push(
      { name: "ADMIN_PASSWORD", value: "hunter2-very-secret" },
      { name: "EMPTY_TOKEN", value: "" },
    );
    const findings = run(plaintextSecret, d);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "error", path: `${C0}.env[2].value` });
    expect(findings[0]!.fix).toContain("EnvValue.fromSopsSecret");
    expect(JSON.stringify(findings)).not.toContain("hunter2");
  });

  it("refuses a credential-like ConfigMap key and a Secret rendered with values", () => {
    const cm = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "app", namespace: "nextcloud" },
      data: { "api-token": "s3cr3t-value", "app.conf": "x=1" },
    };
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "app", namespace: "nextcloud" },
      stringData: { password: "s3cr3t-value" },
    };
    const findings = run(plaintextSecret, cm, secret);
    expect(findings.map((f) => [f.object, f.path])).toEqual([
      ["ConfigMap nextcloud/app", 'data["api-token"]'],
      ["Secret nextcloud/app", 'stringData["password"]'],
    ]);
    expect(JSON.stringify(findings)).not.toContain("s3cr3t");
  });
});

describe("plaintext-secret in chart values", () => {
  const release = (values: unknown): Doc =>
    ({
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "grafana", namespace: "monitoring" },
      spec: { interval: "1h", chart: { spec: { chart: "grafana" } }, values },
    }) as unknown as Doc;

  it("knows a credential-like chart key, camelCase included, from a pointer to one", () => {
    for (const k of ["adminPassword", "apiToken", "clientSecret", "secretKey", "apiKey", "db_password"])
      expect(looksLikeCredentialValueKey(k), k).toBe(true);
    for (const k of [
      "existingSecret",
      "passwordKey",
      "userPasswordKey",
      "userKey",
      "secretName",
      "key",
      "tokenFile",
      "publicKey",
    ])
      expect(looksLikeCredentialValueKey(k), k).toBe(false);
  });

  it("refuses literal credentials in HelmRelease values by their path, without echoing them", () => {
    const findings = run(
      plaintextSecret,
      release({
        adminPassword: "hunter2-very-secret",
        admin: { existingSecret: "grafana-admin", passwordKey: "password" },
        "grafana.ini": { auth: { generic_oauth: { client_secret: "oauth-s3cr3t" } } },
        env: [
          { name: "GF_SECURITY_ADMIN_PASSWORD", value: "env-s3cr3t" },
          { name: "CF_API_TOKEN", valueFrom: { secretKeyRef: { name: "cloudflare", key: "api-token" } } },
        ],
        smtp: { password: "", token: "${SMTP_TOKEN}" },
      }),
    );
    expect(findings.map((f) => f.path)).toEqual([
      "spec.values.adminPassword",
      'spec.values["grafana.ini"].auth.generic_oauth.client_secret',
      "spec.values.env[0].value",
    ]);
    expect(findings[0]).toMatchObject({ severity: "error", object: "HelmRelease monitoring/grafana" });
    expect(findings[0]!.fix).toContain("existingSecret");
    expect(JSON.stringify(findings)).not.toMatch(/hunter2|s3cr3t/);
  });
});

describe("network-policy", () => {
  it("warns about a namespace running the lab's pods without a NetworkPolicy", () => {
    const findings = run(
      networkPolicy,
      namespace("nextcloud", "restricted"),
      deployment(),
      namespace("empty", "restricted"),
    );
    expect(findings).toMatchObject([{ severity: "warning", object: "Namespace nextcloud" }]);
    expect(findings[0]!.fix).toContain('isolateNamespace(scope, "nextcloud")');
  });
});

describe("scaled-to-zero", () => {
  it("warns about replicas: 0 on a Deployment or StatefulSet, not about one replica or none given", () => {
    const zero = deployment();
    zero.spec.replicas = 0;
    const sts = { ...deployment("db", "db"), kind: "StatefulSet" };
    sts.spec = { ...sts.spec, replicas: 0 };
    const unset = deployment("other", "other");
    delete unset.spec.replicas;
    const findings = run(scaledToZero, zero, sts, deployment("one", "one"), unset);
    expect(findings.map((f) => [f.severity, f.object, f.path])).toEqual([
      ["warning", "Deployment nextcloud/nextcloud", "spec.replicas"],
      ["warning", "StatefulSet db/db", "spec.replicas"],
    ]);
  });
});

describe("volume-size", () => {
  it("parses quantities", () => {
    expect(parseQuantity("512Mi")).toBe(512 * 2 ** 20);
    expect(parseQuantity("100m")).toBeCloseTo(0.1);
    expect(parseQuantity("1e3")).toBe(1000);
    expect(parseQuantity("0Gi")).toBe(0);
    expect(parseQuantity("-1Gi")).toBe(-(2 ** 30));
    expect(parseQuantity("10GB")).toBeUndefined();
  });

  it("refuses a zero or negative PVC, volumeClaimTemplate and CloudNativePG storage size", () => {
    const pvc = (size: string) => ({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: `data-${size}`, namespace: "nextcloud" },
      spec: { resources: { requests: { storage: size } } },
    });
    const sts = { ...deployment("db", "db"), kind: "StatefulSet" };
    sts.spec = { ...sts.spec, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: "0" } } } }] };
    const cluster = {
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Cluster",
      metadata: { name: "db", namespace: "db" },
      spec: { storage: { size: "0Mi" } },
    };
    const findings = run(volumeSize, pvc("0Gi"), pvc("-5Gi"), pvc("10Gi"), sts, cluster);
    expect(findings.map((f) => [f.object, f.path])).toEqual([
      ["PersistentVolumeClaim nextcloud/data-0Gi", "spec.resources.requests.storage"],
      ["PersistentVolumeClaim nextcloud/data--5Gi", "spec.resources.requests.storage"],
      ["StatefulSet db/db", "spec.volumeClaimTemplates[0].spec.resources.requests.storage"],
      ["Cluster db/db", "spec.storage.size"],
    ]);
    expect(findings[0]!.message).toContain("zero bytes");
    expect(findings[1]!.message).toContain("a negative size");
    expect(volumeSize.skippable).toBe(false);
  });
});
