/**
 * The example lab's Kubernetes side: the infrastructure every app stands on,
 * then the apps. Every address, host name and domain comes from homelab.ts:
 * nothing below names one.
 */
import { Size } from "cdk8s";
import { Cpu } from "cdk8s-plus-30";
import { HealthCheck, PostgresApp, WireGuardGateway, addInfrastructure, type HomelabApp } from "cdk8s-homelab/k8s";

export function defineKubernetes(app: HomelabApp): void {
  // MetalLB (the model's pool), cert-manager (ACME DNS-01 via Cloudflare), the ingress
  // controller on the "ingress" reservation, external-dns, Longhorn, the CloudNativePG
  // operator and Pi-hole on the "pihole" reservation.
  addInfrastructure(app);

  // Nextcloud at https://cloud.<domain>, with its own PostgreSQL (CloudNativePG). The
  // credentials come from the Secret CNPG creates (nextcloud-db-app), never from dist/.
  new PostgresApp(app.apps, "nextcloud", {
    image: "docker.io/library/nextcloud:32.0.1-apache",
    port: 80,
    allowLowPorts: true, // Apache listens on 80; the safe sysctl lets www-data bind it
    runAsUser: 33, // www-data
    readOnlyRootFilesystem: false, // the image's entrypoint installs Nextcloud into its root filesystem
    ingress: { subdomain: "cloud" },
    env: {
      NEXTCLOUD_TRUSTED_DOMAINS: app.homelab.fqdn("cloud"),
      OVERWRITEPROTOCOL: "https",
    },
    databaseEnv: {
      host: "POSTGRES_HOST",
      dbname: "POSTGRES_DB",
      username: "POSTGRES_USER",
      password: "POSTGRES_PASSWORD",
    },
    database: { size: Size.gibibytes(10) },
    storage: { size: Size.gibibytes(50), mountPath: "/var/www/html" },
    resources: { cpu: Cpu.millis(100), memory: Size.mebibytes(512), memoryLimit: Size.gibibytes(1) },
    healthCheck: HealthCheck.http("/status.php"),
  });

  // The WireGuard gateway on the "wireguard" reservation, for the model's enabled VPN users.
  new WireGuardGateway(app.apps, "wireguard");
}
