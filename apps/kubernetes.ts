/**
 * The example lab's Kubernetes side: the infrastructure every app stands on,
 * then the apps. Every address, host name and domain comes from homelab.ts:
 * nothing below names one.
 */
import { Duration, Size } from "cdk8s";
import { Cpu } from "cdk8s-plus-30";
import {
  AlertReceiver,
  AppCronJob,
  EnvValue,
  HealthCheck,
  NetworkPeer,
  PostgresApp,
  WireGuardGateway,
  addInfrastructure,
  type HomelabApp,
} from "cdk8s-homelab/k8s";

/** What the Secret `nextcloud/nextcloud-admin` holds (keys username and password). */
const NEXTCLOUD_ADMIN_PURPOSE = "Nextcloud admin account created on first start (keys username, password)";

export function defineKubernetes(app: HomelabApp): void {
  // MetalLB (the model's pool), cert-manager (ACME DNS-01 via Cloudflare), the ingress
  // controller on the "ingress" reservation, external-dns, Longhorn, the CloudNativePG
  // operator and Pi-hole on the "pihole" reservation; monitoring: kube-prometheus-stack scraping every host's
  // node_exporter, the built-in alert rules sent to a webhook (its URL in the SOPS Secret
  // monitoring/alertmanager-webhook), Grafana at https://grafana.<domain>.
  addInfrastructure(app, { monitoring: { receiver: AlertReceiver.webhook() } });

  // Nextcloud at https://cloud.<domain>, with its own PostgreSQL (CloudNativePG). The
  // credentials come from the Secret CNPG creates (nextcloud-db-app), never from dist/.
  const nextcloud = new PostgresApp(app.apps, "nextcloud", {
    image: "docker.io/library/nextcloud:32.0.1-apache",
    port: 80,
    allowLowPorts: true, // Apache listens on 80; the safe sysctl lets www-data bind it
    runAsUser: 33, // www-data
    readOnlyRootFilesystem: false, // the image's entrypoint installs Nextcloud into its root filesystem
    ingress: { subdomain: "cloud" },
    env: {
      NEXTCLOUD_TRUSTED_DOMAINS: app.homelab.fqdn("cloud"),
      OVERWRITEPROTOCOL: "https",
      // Requests arrive from the ingress controller's pod: trust its X-Forwarded-For (the model's pod network),
      // so brute-force throttling sees each client, not the proxy.
      TRUSTED_PROXIES: app.homelab.k3s.clusterCidr.toString(),
      // The first start installs Nextcloud with this admin (from a SOPS Secret), so the web installer is never
      // open to the first visitor.
      NEXTCLOUD_ADMIN_USER: EnvValue.fromSopsSecret("nextcloud-admin", "username", NEXTCLOUD_ADMIN_PURPOSE),
      NEXTCLOUD_ADMIN_PASSWORD: EnvValue.fromSopsSecret("nextcloud-admin", "password", NEXTCLOUD_ADMIN_PURPOSE),
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
    // The first start copies Nextcloud onto the new Longhorn volume and installs it before Apache answers.
    healthCheck: HealthCheck.http("/status.php", { startupTimeout: Duration.minutes(20) }),
    // Beyond its database and DNS: the app store, update checks and federation, over HTTPS on the internet.
    allowEgress: [{ to: NetworkPeer.internet(), ports: [443] }],
  });
  // Nextcloud's background jobs (cron.php) every five minutes, in its image, on its node and volume.
  new AppCronJob(nextcloud, "cron", {
    workload: nextcloud.workload,
    schedule: "*/5 * * * *",
    command: ["php", "-f", "/var/www/html/cron.php"],
  });

  // The WireGuard gateway on the "wireguard" reservation, for the model's enabled VPN users.
  new WireGuardGateway(app.apps, "wireguard");
}
