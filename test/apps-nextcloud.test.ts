/**
 * The fixture lab's Nextcloud (test/fixtures/lab/nextcloud.ts), safe to expose: admin account from a SOPS
 * Secret, background jobs from a CronJob on the app's node and volume, volume ownership fixed only when it
 * is wrong, a startup probe long enough for a first install, PostgreSQL pinned to a version Nextcloud supports,
 * and a Flux layer that waits as long as that first start may take.
 */
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { renderLab } from "./helpers/lab.js";

const files = renderLab();
const docs = parseAllDocuments(files.get("dist/apps/nextcloud.yaml")!).map((d) => d.toJS());
const one = (kind: string) => {
  const found = docs.filter((d) => d.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
};
const deployment = one("Deployment");
const pod = deployment.spec.template.spec;
const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e]));

describe("the fixture lab's Nextcloud", () => {
  it("installs itself with an admin account from a SOPS Secret, so the web installer is never open", () => {
    expect(env.NEXTCLOUD_ADMIN_USER.valueFrom).toEqual({ secretKeyRef: { name: "nextcloud-admin", key: "username" } });
    expect(env.NEXTCLOUD_ADMIN_PASSWORD.valueFrom).toEqual({
      secretKeyRef: { name: "nextcloud-admin", key: "password" },
    });
    expect(JSON.stringify(docs)).not.toMatch(/"kind":"Secret"/);
    // synth carries the SOPS file into dist/apps, or says how to create it.
    const readme = files.get("dist/README.md")!;
    expect(readme).toMatch(/\| nextcloud-admin \| nextcloud \| Nextcloud admin account .*\| dist\/apps\/ \|/);
  });

  it("runs cron.php every five minutes as www-data, on the node and volume of the app", () => {
    const cron = one("CronJob");
    expect(cron.metadata).toMatchObject({ name: "nextcloud-cron", namespace: "nextcloud" });
    expect(cron.spec.schedule).toBe("*/5 * * * *");
    expect(cron.spec.concurrencyPolicy).toBe("Forbid");
    const job = cron.spec.jobTemplate.spec.template.spec;
    const [c] = job.containers;
    expect(c.command).toEqual(["php", "-f", "/var/www/html/cron.php"]);
    expect(c.image).toBe(pod.containers[0].image);
    expect(c.volumeMounts).toEqual(pod.containers[0].volumeMounts);
    expect(c.readinessProbe).toBeUndefined();
    expect(job.securityContext.runAsUser).toBe(33);
    expect(job.volumes).toEqual(pod.volumes);
    expect(job.restartPolicy).toBe("Never");
    // The ReadWriteOnce volume is attached to the app's node: the job must run there.
    expect(job.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      {
        labelSelector: { matchLabels: { "app.kubernetes.io/name": "nextcloud" } },
        topologyKey: "kubernetes.io/hostname",
      },
    ]);
    expect(deployment.spec.template.metadata.labels["app.kubernetes.io/name"]).toBe("nextcloud");
    // The job's own pods are not the app's: the Service does not send them traffic.
    expect(cron.spec.jobTemplate.spec.template.metadata.labels["app.kubernetes.io/name"]).toBe("nextcloud-cron");
  });

  it("changes the volume's ownership only when its root is not www-data's", () => {
    expect(pod.securityContext).toMatchObject({ fsGroup: 33, fsGroupChangePolicy: "OnRootMismatch" });
  });

  it("gives the first install onto Longhorn 20 minutes, and the apps layer waits that long", () => {
    const probe = pod.containers[0].startupProbe;
    expect(probe.periodSeconds * probe.failureThreshold).toBe(20 * 60);
    const layers = parseAllDocuments(files.get("dist/bootstrap/layers.yaml")!).map((d) => d.toJS());
    expect(layers.find((k) => k.metadata.name === "apps").spec.timeout).toBe("21m");
  });

  it("pins PostgreSQL 17, a major version Nextcloud 32 supports", () => {
    expect(pod.containers[0].image).toBe("docker.io/library/nextcloud:32.0.1-apache");
    expect(one("Cluster").spec.imageName).toMatch(/^ghcr\.io\/cloudnative-pg\/postgresql:17\.\d+-/);
  });
});
