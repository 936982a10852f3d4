/**
 * The catalogue's policy and SOPS cases: each is a lab a user could write that synth must refuse with
 * exit 1, the offending value's path, the fix, no stack trace and nothing written (CatalogueProject).
 * Warnings cannot be refused: test/check-policies.test.ts covers them.
 */
import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { afterAll, describe, expect, it } from "vitest";
import { skipCheck } from "../lib/check/index.js";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { ensureNamespace, type PodSecurityLevel } from "../lib/k8s/namespace.js";
import { CatalogueProject } from "./helpers/catalogue.js";
import { ADMIN_RECIPIENT, CLUSTER_RECIPIENT, sopsSecret } from "./helpers/sops.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";
import { nextcloud } from "./fixtures/lab/nextcloud.js";
import { WireGuardGateway, addInfrastructure } from "../lib/k8s/index.js";
import type { PostgresAppProps } from "../lib/k8s/index.js";

const project = new CatalogueProject();
afterAll(() => project.remove());

/** The fixture lab plus `extra`. */
const plus =
  (extra: (app: HomelabApp) => void) =>
  (app: HomelabApp): void => {
    defineKubernetes(app);
    extra(app);
  };

const POD = "spec.template.spec";
const C0 = `${POD}.containers[0]`;

/** A user's raw Deployment in its own namespace at `level`, good unless `edit` breaks it. */
function rawTool(level: PodSecurityLevel, edit: (pod: any, container: any) => void) {
  return (app: HomelabApp): void => {
    const scope = new Construct(app.apps, "tool");
    const container: any = {
      name: "tool",
      image: "ghcr.io/example/tool:1.4.2",
      resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
      readinessProbe: { tcpSocket: { port: 8080 } },
      livenessProbe: { tcpSocket: { port: 8080 } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    };
    const pod: any = {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
      containers: [container],
    };
    edit(pod, container);
    new ApiObject(scope, "deployment", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "tool", namespace: ensureNamespace(scope, "tool", level) },
      spec: {
        selector: { matchLabels: { app: "tool" } },
        template: { metadata: { labels: { app: "tool" } }, spec: pod },
      },
    });
  };
}

const admin = sopsSecret({ namespace: "pihole", name: "pihole-admin" });

/** The fixture lab with Nextcloud's props changed. */
const withNextcloud =
  (overrides: Partial<PostgresAppProps>) =>
  (app: HomelabApp): void => {
    addInfrastructure(app);
    nextcloud(app, overrides);
    new WireGuardGateway(app.apps, "wireguard");
  };

describe("the catalogue: policies", () => {
  const cases: Parameters<CatalogueProject["expectRefused"]>[0][] = [
    {
      name: "a plaintext password in a Workload's env",
      kubernetes: withNextcloud({
        env: { NEXTCLOUD_TRUSTED_DOMAINS: "cloud.home.example.com", NEXTCLOUD_ADMIN_PASSWORD: "hunter2-in-git" },
      }),
      path: `${C0}.env[1].value`,
      message: /\[plaintext-secret\].*sets NEXTCLOUD_ADMIN_PASSWORD to a literal value.*EnvValue\.fromSopsSecret/,
    },
    {
      name: "an API token in a ConfigMap",
      kubernetes: plus((app) => {
        new ApiObject(new Construct(app.apps, "tool"), "config", {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "tool", namespace: "nextcloud" },
          data: { "api-token": "hunter2-in-git" },
        });
      }),
      path: 'data["api-token"]',
      message: /ConfigMap nextcloud\/tool.*holds a literal value.*SOPS file in apps\/secrets\//,
    },
    {
      name: "a Secret with values rendered into dist/",
      kubernetes: plus((app) => {
        new ApiObject(new Construct(app.apps, "tool"), "secret", {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "tool", namespace: "nextcloud" },
          stringData: { password: "hunter2-in-git" },
        });
      }),
      path: 'stringData["password"]',
      message: /a Secret with values is rendered into dist\/.*keep the Secret SOPS-encrypted in apps\/secrets\//,
    },
    {
      name: "an image tagged :latest in a raw Deployment",
      kubernetes: plus(rawTool("restricted", (_, c) => void (c.image = "ghcr.io/example/tool:latest"))),
      path: `${C0}.image`,
      message: /\[image-pinned\].*"ghcr\.io\/example\/tool:latest", tagged :latest.*pin it to a version tag/,
    },
    {
      name: "an untagged image in a raw Deployment",
      kubernetes: plus(rawTool("restricted", (_, c) => void (c.image = "ghcr.io/example/tool"))),
      path: `${C0}.image`,
      message: /\[image-pinned\].*which has no tag \(it means :latest\)/,
    },
    {
      name: "a pod without runAsNonRoot in a restricted namespace",
      kubernetes: plus(rawTool("restricted", (pod) => void delete pod.securityContext.runAsNonRoot)),
      path: `${C0}.securityContext.runAsNonRoot`,
      message:
        /\[pod-security\].*is not true.*Pod Security "restricted" \(namespace tool\) refuses.*runAsNonRoot: true/,
    },
    {
      name: "a pod without a seccompProfile in a restricted namespace",
      kubernetes: plus(rawTool("restricted", (pod) => void delete pod.securityContext.seccompProfile)),
      path: `${C0}.securityContext.seccompProfile.type`,
      message: /\[pod-security\].*is not set.*seccompProfile\.type: RuntimeDefault/,
    },
    {
      name: "capabilities not dropped in a restricted namespace",
      kubernetes: plus(rawTool("restricted", (_, c) => void delete c.securityContext.capabilities)),
      path: `${C0}.securityContext.capabilities.drop`,
      message: /\[pod-security\].*does not drop ALL/,
    },
    {
      name: "a privileged container in a baseline namespace",
      kubernetes: plus(rawTool("baseline", (_, c) => void (c.securityContext.privileged = true))),
      path: `${C0}.securityContext.privileged`,
      message:
        /\[pod-security\].*a privileged container.*Pod Security "baseline".*namespace of its own at level privileged/,
    },
    {
      name: "hostNetwork in a restricted namespace",
      kubernetes: plus(rawTool("restricted", (pod) => void (pod.hostNetwork = true))),
      path: `${POD}.hostNetwork`,
      message: /\[pod-security\].*shares the node's namespace/,
    },
    {
      name: "a container without a memory limit",
      kubernetes: plus(rawTool("restricted", (_, c) => void delete c.resources.limits)),
      path: `${C0}.resources.limits.memory`,
      message: /\[container-resources\] .*container "tool" has no memory limit/,
    },
    {
      name: "a memory limit below the request",
      kubernetes: plus(rawTool("restricted", (_, c) => void (c.resources.limits.memory = "16Mi"))),
      path: `${C0}.resources.limits.memory`,
      message: /limits memory to 16Mi, below its request 32Mi/,
    },
    {
      // Construct props refuse a zero Size before rendering (see catalogue-inputs); a raw object reaches the policy.
      name: "a zero-size volume",
      kubernetes: plus(
        (app) =>
          new ApiObject(app.apps.node.findChild("nextcloud") as Construct, "scratch", {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name: "scratch", namespace: "nextcloud" },
            spec: {
              accessModes: ["ReadWriteOnce"],
              storageClassName: "longhorn",
              resources: { requests: { storage: "0Gi" } },
            },
          }),
      ),
      path: "spec.resources.requests.storage",
      message: /PersistentVolumeClaim nextcloud\/scratch.*asks for 0Gi, zero bytes/,
    },
    {
      name: "an opt-out of a check that does not exist",
      kubernetes: plus((app) => skipCheck(app.apps.node.findChild("nextcloud"), "probe", "typo")),
      path: "[apps/nextcloud]",
      message: /there is no check "probe"; use one of .*probes/,
    },
    {
      name: "an opt-out of a check that cannot be skipped",
      kubernetes: plus((app) => skipCheck(app.apps.node.findChild("nextcloud"), "volume-size", "we know")),
      path: "[apps/nextcloud]",
      message: /the check "volume-size" cannot be skipped/,
    },
    {
      name: "an opt-out without a reason",
      kubernetes: plus((app) => skipCheck(app.apps.node.findChild("nextcloud"), "probes", "")),
      path: "[apps/nextcloud]",
      message: /skipping "probes" needs a reason/,
    },
  ];
  for (const bad of cases) {
    it(bad.name, () => {
      const stderr = project.expectRefused(bad);
      expect(stderr).not.toContain("hunter2");
    });
  }
});

describe("the catalogue: SOPS files", () => {
  const file = (text: string) => [{ path: admin.path, text }];
  const cases: Parameters<CatalogueProject["expectRefused"]>[0][] = [
    {
      name: "a plaintext Secret in apps/secrets/",
      sopsFiles: file(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: pihole-admin, namespace: pihole}\nstringData: {password: hunter2}\n",
      ),
      path: `${admin.path}: is not SOPS-encrypted`,
      message: /plaintext values at stringData\.password\); encrypt it with `sops --encrypt --in-place/,
    },
    {
      name: "a SOPS file with metadata but no encrypted data",
      sopsFiles: file(admin.text.replace(/stringData:\n {4}password: .*\n/, "")),
      path: admin.path,
      message: /has sops metadata but no encrypted data/,
    },
    {
      name: "a SOPS file without sops.mac",
      sopsFiles: file(admin.text.replace(/ {4}mac: .*\n/, "")),
      path: `${admin.path}: sops.mac`,
      message: /is missing: sops writes it when it encrypts/,
    },
    {
      name: "a SOPS file whose encrypted_regex leaves stringData in plain text",
      sopsFiles: file(
        admin.text
          .replace("encrypted_regex: ^(data|stringData)$", "encrypted_regex: ^data$")
          .replace(/password: ENC\[.*\]/, "password: hunter2"),
      ),
      path: `${admin.path}: stringData`,
      message: /is not covered by the file's sops rules.*encrypted_regex: \^\(data\|stringData\)\$/,
    },
    {
      name: "a SOPS file encrypted with sops' default rule (kind and metadata encrypted)",
      sopsFiles: file(admin.text.replace("encrypted_regex: ^(data|stringData)$", "unencrypted_suffix: _unencrypted")),
      path: `${admin.path}: apiVersion`,
      message: /which kustomize-controller cannot read/,
    },
    {
      name: "a SOPS file not encrypted for one of the model's recipients",
      spec: (spec) => void (spec.kubernetes.flux.sopsAgeRecipients = [CLUSTER_RECIPIENT, ADMIN_RECIPIENT]),
      sopsFiles: [admin],
      path: "kubernetes.flux.sopsAgeRecipients[1]",
      message: new RegExp(`sops\\.age: is not encrypted for ${ADMIN_RECIPIENT}.*sops updatekeys`),
    },
  ];
  for (const bad of cases) {
    it(bad.name, () => {
      const stderr = project.expectRefused(bad);
      expect(stderr).not.toContain("hunter2");
    });
  }
});
