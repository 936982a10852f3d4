/**
 * App constructs: build them in `app.apps` of a HomelabApp.
 * - {@link IngressedService}: an HTTP app at `https://<subdomain>.<domain>`.
 * - {@link PostgresApp}: an app with its own CloudNativePG PostgreSQL.
 * - {@link WireGuardGateway}: the lab's WireGuard server for the model's VPN users.
 * - {@link Workload}: the Deployment + Service building block they share.
 *
 * An internal index of the folder, for the library's own modules and tests: the public names are the
 * ones lib/k8s/index.ts (`cdk8s-homelab/k8s`) re-exports.
 */
export * from "./env-value.js";
export * from "./health-check.js";
export * from "./image.js";
export * from "./workload.js";
export * from "./ingressed-service.js";
export * from "./postgres-backup.js";
export * from "./retention.js";
export * from "./postgres-app.js";
export * from "./app-cron-job.js";
export * from "./wireguard-gateway.js";
