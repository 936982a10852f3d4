/**
 * The catalogue of bad inputs, input validation's part: values in the spec and in construct props
 * that TypeScript would catch but a spec loaded from JSON, or props passed `as any`, bring anyway.
 * Each case runs the real writer and asserts exit 1, the offending value's path, the message, no
 * stack trace and nothing written (test/helpers/catalogue.ts). Some cases also assert that one
 * mistake causes no false second error (no "no server" after a refused host).
 */
import { Duration, Size } from "cdk8s";
import { afterAll, describe, expect, it } from "vitest";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import {
  addInfrastructure,
  EnvValue,
  HealthCheck,
  IngressedService,
  PostgresBackupTarget,
  type PostgresAppProps,
  WireGuardGateway,
  type WireGuardGatewayProps,
} from "../lib/k8s/index.js";
import { type BadInput, CatalogueProject } from "./helpers/catalogue.js";
import { nextcloud } from "./fixtures/lab/nextcloud.js";

/** The fixture lab's Kubernetes side with Nextcloud's props changed (built lazily: some values throw). */
function withNextcloud(overrides: () => Partial<PostgresAppProps>): (app: HomelabApp) => void {
  return (app) => {
    addInfrastructure(app);
    nextcloud(app, overrides() as Partial<PostgresAppProps>);
    new WireGuardGateway(app.apps, "wireguard");
  };
}

/** The fixture lab's Kubernetes side plus an IngressedService "whoami" with these props. */
function withWhoami(props: () => Record<string, unknown>): (app: HomelabApp) => void {
  return (app) => {
    addInfrastructure(app);
    nextcloud(app);
    new WireGuardGateway(app.apps, "wireguard");
    new IngressedService(app.apps, "whoami", {
      image: "traefik/whoami:v1.10.3",
      port: 8080,
      subdomain: "who",
      ...props(),
    } as never);
  };
}

/** The fixture lab's Kubernetes side with the WireGuard gateway's props changed. */
function withGateway(props: Record<string, unknown>): (app: HomelabApp) => void {
  return (app) => {
    addInfrastructure(app);
    nextcloud(app);
    new WireGuardGateway(app.apps, "wireguard", props as WireGuardGatewayProps);
  };
}

/** A bad input, and what must not follow from it (a false second error). */
type Case = BadInput & { readonly notFollowedBy?: RegExp };

const spec: Case[] = [
  {
    name: "a NUL byte in a host tag is reported on the spec path, not on vars.nix",
    spec: (s) => void (s.hosts[0].tags[0] = "rack\u00001"),
    path: "hosts[0].tags[0]",
    message: /contains a NUL character at index 4/,
    notFollowedBy: /vars\.nix|nodes\.node1/,
  },
  {
    name: "a lone surrogate in a hostname",
    spec: (s) => void (s.hosts[1].hostname = "node\ud8002"),
    path: "hosts[1].hostname",
    message: /lone UTF-16 surrogate at index 4/,
    notFollowedBy: /is not a valid hostname/,
  },
  {
    name: "a NUL byte in a key of network.loadBalancerIps",
    spec: (s) => void (s.network.loadBalancerIps["pi\u0000hole"] = "192.168.1.205"),
    path: "network.loadBalancerIps",
    message: /has the key "pi\\u0000hole" contains a NUL character/,
    notFollowedBy: /cannot become a Nix attribute/,
  },
  {
    name: "a lone surrogate in the domain",
    spec: (s) => void (s.network.domain = "home.example.com\udc00"),
    path: "network.domain",
    message: /lone UTF-16 surrogate/,
  },
  {
    name: "a NUL byte in a VPN user's group",
    spec: (s) => void (s.vpn.users[0].group = "admins\u0000"),
    path: "vpn.users[0].group",
    message: /NUL character/,
  },
  {
    name: "a NUL byte in the Flux URL",
    spec: (s) => void (s.kubernetes.flux.url = "ssh://git@github.com/example/home\u0000lab"),
    path: "kubernetes.flux.url",
    message: /NUL character/,
  },
  {
    name: "the k3s server's address given as a number does not also report the cluster has no server",
    spec: (s) => void (s.hosts[0].address = 192168111),
    path: "hosts[0].address",
    message: /192168111|IPv4/,
    notFollowedBy: /no server|none is marked clusterInit/,
  },
  {
    name: "the k3s server's invalid hostname does not also report the cluster has no server",
    spec: (s) => void (s.hosts[0].hostname = "Node_1"),
    path: "hosts[0].hostname",
    message: /"Node_1" is not a valid hostname/,
    notFollowedBy: /no server/,
  },
  {
    name: "a misspelt k3s-server role does not also report the cluster has no server",
    spec: (s) => void (s.hosts[0].roles[2] = "k3s-srver"),
    path: "hosts[0].roles[2]",
    message: /Did you mean "k3s-server"/,
    notFollowedBy: /no server|requires "k3s-server"/,
  },
  {
    name: "a malformed MetalLB range does not make the reservations in it look outside the pool",
    spec: (s) => void (s.network.metallbPool = ["192.168.1.210-192.168.1.220", "192.168.1.200-192.168.1.2o9"]),
    path: "network.metallbPool[1]",
    message: /192\.168\.1\.200-192\.168\.1\.2o9/,
    notFollowedBy: /outside the MetalLB pool/,
  },
  {
    name: "a VPN listen port above 65535",
    spec: (s) => void (s.vpn.listenPort = 70000),
    path: "vpn.listenPort",
    message: /number 70000 is not a port/,
  },
  {
    name: "a VPN listen port given as a string",
    spec: (s) => void (s.vpn.listenPort = "51820"),
    path: "vpn.listenPort",
    message: /"51820" is not a port/,
  },
  {
    name: "an ESP size in bytes with a unit disko does not read",
    spec: (s) => void (s.hosts[0].disk.espSize = "10GB"),
    path: "hosts[0].disk.espSize",
    message: /"10GB" is not a size in disko's notation/,
  },
  {
    name: "hosts given as an object",
    spec: (s) => void (s.hosts = { node1: s.hosts[0] }),
    path: "hosts",
    message: /must be a list, got an object/,
  },
  {
    name: "a Flux interval that is not a Go duration",
    spec: (s) => void (s.kubernetes.flux.interval = "5 minutes"),
    path: "kubernetes.flux.interval",
    message: /"5 minutes" is not a Go duration/,
  },
  {
    name: "clusterInit given as a string",
    spec: (s) => void (s.hosts[0].clusterInit = "yes"),
    path: "hosts[0].clusterInit",
    message: /must be true or false, got "yes"/,
  },
  {
    name: "a VPN public key given as a number",
    spec: (s) => void (s.vpn.users[0].publicKey = 42),
    path: "vpn.users[0].publicKey",
    message: /must be a string, got number 42/,
  },
];

const props: Case[] = [
  {
    name: "a volume size given as a string",
    kubernetes: withNextcloud(() => ({ storage: { size: "10GB" as never, mountPath: "/var/www/html" } })),
    path: "[apps/nextcloud] props.storage.size",
    message: /must be a Size, e\.g\. Size\.gibibytes\(10\).*got "10GB"/,
  },
  {
    name: "a zero-size volume",
    kubernetes: withNextcloud(() => ({ storage: { size: Size.gibibytes(0), mountPath: "/var/www/html" } })),
    path: "[apps/nextcloud] props.storage.size",
    message: /0Gi is not a size: give one larger than zero/,
  },
  {
    name: "a database size of NaN",
    kubernetes: withNextcloud(() => ({ database: { size: Size.gibibytes(Number.NaN) } })),
    path: "[apps/nextcloud] props.database.size",
    message: /the amount NaN is not a number/,
  },
  {
    name: "a negative size (cdk8s throws while the definitions run) names the line that made it",
    kubernetes: withNextcloud(() => ({ storage: { size: Size.gibibytes(-1), mountPath: "/var/www/html" } })),
    path: "test/catalogue-inputs.test.ts:",
    message: /Storage amounts cannot be negative\. Received: -1/,
  },
  {
    name: "a volume size that is not a whole number of bytes",
    kubernetes: withNextcloud(() => ({ storage: { size: Size.kibibytes(0.0001), mountPath: "/var/www/html" } })),
    path: "[apps/nextcloud] props.storage.size",
    message: /is not a whole number of bytes/,
  },
  {
    name: "an image with an uppercase repository",
    kubernetes: withNextcloud(() => ({ image: "docker.io/Library/nextcloud:32.0.1-apache" })),
    path: 'image "docker.io/Library/nextcloud:32.0.1-apache"',
    message: /repository path "Library\/nextcloud" must be lowercase \("Library" -> "library"\)/,
  },
  {
    name: "an image whose registry port is not a port",
    kubernetes: withWhoami(() => ({ image: "registry.local:99999/whoami:v1.10.3" })),
    path: 'image "registry.local:99999/whoami:v1.10.3"',
    message: /registry port 99999 is not a port/,
  },
  {
    name: "an image with a short sha256 digest",
    kubernetes: withWhoami(() => ({ image: "traefik/whoami@sha256:0123abcd0123abcd0123abcd0123abcd" })),
    path: 'image "traefik/whoami@sha256:0123abcd0123abcd0123abcd0123abcd"',
    message: /64 lowercase hex digits/,
  },
  {
    name: "an image with an empty path component",
    kubernetes: withWhoami(() => ({ image: "ghcr.io//whoami:v1.10.3" })),
    path: 'image "ghcr.io//whoami:v1.10.3"',
    message: /empty path component/,
  },
  {
    name: "an image with a tag of 129 characters",
    kubernetes: withWhoami(() => ({ image: `traefik/whoami:v${"1".repeat(128)}` })),
    path: 'image "traefik/whoami:v1111',
    message: /has an invalid tag/,
  },
  {
    name: "an env var name that starts with a digit",
    kubernetes: withNextcloud(() => ({ env: { "1ST_RUN": "true" } })),
    path: '[apps/nextcloud] props.env["1ST_RUN"]',
    message: /is not an environment variable name Kubernetes accepts/,
  },
  {
    name: "an env var name with a space",
    kubernetes: withNextcloud(() => ({ env: { "PHP MEMORY": "512M" } })),
    path: '[apps/nextcloud] props.env["PHP MEMORY"]',
    message: /"PHP MEMORY" is not an environment variable name/,
  },
  {
    name: "an env value given as a number",
    kubernetes: withNextcloud(() => ({ env: { PHP_WORKERS: 4 as never } })),
    path: "[apps/nextcloud] props.env.PHP_WORKERS",
    message: /must be a string or an EnvValue.*got number 4/,
  },
  {
    name: "a NUL byte in an env value",
    kubernetes: withNextcloud(() => ({ env: { OVERWRITEPROTOCOL: "https\u0000" } })),
    path: "[apps/nextcloud] props.env.OVERWRITEPROTOCOL",
    message: /NUL character/,
  },
  {
    name: "an env value from a Secret whose name is not a Kubernetes name",
    kubernetes: withNextcloud(() => ({ env: { SMTP_PASSWORD: EnvValue.fromSecret("SMTP Creds", "password") } })),
    path: "[apps/nextcloud] props.env.SMTP_PASSWORD",
    message: /the Secret name "SMTP Creds" is not a Kubernetes name/,
  },
  {
    name: "a database env var name Kubernetes rejects",
    kubernetes: withNextcloud(() => ({ databaseEnv: { password: "POSTGRES PASSWORD" } })),
    path: "[apps/nextcloud] props.databaseEnv.password",
    message: /"POSTGRES PASSWORD" is not an environment variable name/,
  },
  {
    name: "a databaseEnv key CloudNativePG does not make",
    kubernetes: withNextcloud(() => ({ databaseEnv: { passwd: "POSTGRES_PASSWORD" } as never })),
    path: "[apps/nextcloud] props.databaseEnv.passwd",
    message: /is not a key of the Secret CloudNativePG makes/,
  },
  {
    name: "port 0 does not also report a broken Ingress backend",
    kubernetes: withWhoami(() => ({ port: 0 })),
    path: "[apps/whoami] props.port",
    message: /number 0 is not a port/,
    notFollowedBy: /Ingress backend port/,
  },
  {
    name: "a port given as a string",
    kubernetes: withWhoami(() => ({ port: "8080" })),
    path: "[apps/whoami] props.port",
    message: /"8080" is not a port/,
  },
  {
    name: "a port above 65535",
    kubernetes: withWhoami(() => ({ port: 65536 })),
    path: "[apps/whoami] props.port",
    message: /number 65536 is not a port/,
  },
  {
    name: "negative replicas",
    kubernetes: withWhoami(() => ({ replicas: -1 })),
    path: "[apps/whoami] props.replicas",
    message: /number -1 is not a count/,
  },
  {
    name: "a fractional replica count",
    kubernetes: withWhoami(() => ({ replicas: 1.5 })),
    path: "[apps/whoami] props.replicas",
    message: /number 1\.5 is not a count/,
  },
  {
    name: "a health check given as a path string",
    kubernetes: withWhoami(() => ({ healthCheck: "/healthz" })),
    path: "[apps/whoami] props.healthCheck",
    message: /must be a HealthCheck, e\.g\. HealthCheck\.http\("\/healthz"\), got "\/healthz"/,
  },
  {
    name: "a health check path without its leading slash",
    kubernetes: withWhoami(() => ({ healthCheck: HealthCheck.http("healthz") })),
    path: "[apps/whoami] props.healthCheck",
    message: /the path "healthz" must start with "\/"/,
  },
  {
    name: "a zero startup timeout",
    kubernetes: withWhoami(() => ({ healthCheck: HealthCheck.http("/", { startupTimeout: Duration.millis(0) }) })),
    path: "[apps/whoami] props.healthCheck",
    message: /startupTimeout must be longer than zero/,
  },
  {
    name: "a memory request given as a string",
    kubernetes: withWhoami(() => ({ resources: { memory: "512Mi" } })),
    path: "[apps/whoami] props.resources.memory",
    message: /must be a Size.*got "512Mi"/,
  },
  {
    name: "a memory request that is not a whole number of mebibytes",
    kubernetes: withWhoami(() => ({ resources: { memory: Size.kibibytes(1500) } })),
    path: "[apps/whoami] props.resources.memory",
    message: /1500Ki is not a whole number of mebibytes/,
  },
  {
    name: "a memory limit below the request",
    kubernetes: withWhoami(() => ({ resources: { memory: Size.mebibytes(512), memoryLimit: Size.mebibytes(256) } })),
    path: "[apps/whoami] props.resources.memoryLimit",
    message: /256Mi is less than the memory request 512Mi/,
  },
  {
    name: "a mount path given as a number",
    kubernetes: withWhoami(() => ({ storage: { size: Size.gibibytes(1), mountPath: 42 } })),
    path: "[apps/whoami] props.storage.mountPath",
    message: /must be a string, got number 42/,
  },
  {
    name: "a misspelt storage field",
    kubernetes: withWhoami(() => ({ storage: { size: Size.gibibytes(1), mountPath: "/data", storageclass: "nfs" } })),
    path: "[apps/whoami] props.storage.storageclass",
    message: /is not a field of the storage/,
  },
  {
    name: "a command given as one string",
    kubernetes: withWhoami(() => ({ command: "whoami --port 8080" })),
    path: "[apps/whoami] props.command",
    message: /must be a list of strings, got "whoami --port 8080"/,
  },
  {
    name: "a writable path given as a number",
    kubernetes: withWhoami(() => ({ writablePaths: [1] })),
    path: "[apps/whoami] props.writablePaths[0]",
    message: /must be a string, got number 1/,
  },
  {
    name: "allowLowPorts given as a string",
    kubernetes: withWhoami(() => ({ allowLowPorts: "true" })),
    path: "[apps/whoami] props.allowLowPorts",
    message: /must be true or false, got "true"/,
  },
  {
    name: "a backup target given as a string does not also report the target missing",
    kubernetes: withNextcloud(() => ({ backup: { schedule: "0 0 3 * * *", target: "s3://backups" as never } })),
    path: "[apps/nextcloud] props.backup.target",
    message: /must be a PostgresBackupTarget/,
    notFollowedBy: /backup\.target is missing/,
  },
  {
    name: "a backup target whose credentials Secret is not a Kubernetes name",
    kubernetes: withNextcloud(() => ({
      backup: {
        schedule: "0 0 3 * * *",
        target: PostgresBackupTarget.barmanObjectStore({ destinationPath: "s3://b/pg", credentialsSecret: "S3 Creds" }),
      },
    })),
    path: "backup.target: credentialsSecret",
    message: /"S3 Creds" is not a Secret name/,
  },
  {
    name: "an ingress subdomain given as a number",
    kubernetes: withNextcloud(() => ({ ingress: { subdomain: 7 as never } })),
    path: "[apps/nextcloud] props.ingress.subdomain",
    message: /must be a string, got number 7/,
  },
  {
    name: "the gateway's reservation given as a number does not also report a missing reservation",
    kubernetes: withGateway({ reservation: 201 }),
    path: "[apps/wireguard] props.reservation",
    message: /must be a string, got number 201/,
    notFollowedBy: /has no reservation/,
  },
  {
    name: "the gateway's masquerade given as a string",
    kubernetes: withGateway({ masquerade: "yes" }),
    path: "[apps/wireguard] props.masquerade",
    message: /must be true or false, got "yes"/,
  },
  {
    name: "two constructs with one id name the line of the second",
    kubernetes: (app) => {
      addInfrastructure(app);
      nextcloud(app);
      nextcloud(app);
    },
    path: "test/fixtures/lab/nextcloud.ts:",
    message: /There is already a Construct with name 'nextcloud'/,
  },
  {
    name: "a load-balancer reservation looked up by a misspelt name names the line and the reservations",
    kubernetes: (app) => {
      addInfrastructure(app);
      app.homelab.loadBalancerIp("wireguad");
    },
    path: "test/catalogue-inputs.test.ts:",
    message: /no reservation "wireguad" \(reservations: "pihole", "wireguard", "ingress"\)/,
  },
];

describe("catalogue: input validation (spec values and construct props)", () => {
  const project = new CatalogueProject();
  afterAll(() => project.remove());

  it("has at least 36 distinct cases", () => {
    const all = [...spec, ...props];
    expect(all.length).toBeGreaterThanOrEqual(36);
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
  });

  for (const c of [...spec, ...props]) {
    it(c.name, () => {
      const stderr = project.expectRefused(c);
      if (c.notFollowedBy !== undefined) expect(stderr).not.toMatch(c.notFollowedBy);
    });
  }
});
