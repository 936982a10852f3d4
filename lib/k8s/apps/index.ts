/**
 * App constructs: build them in `app.apps` of a HomelabApp.
 * - {@link IngressedService}: an HTTP app at `https://<subdomain>.<domain>`.
 * - {@link PostgresApp}: an app with its own CloudNativePG PostgreSQL.
 * - {@link WireGuardGateway}: the lab's WireGuard server for the model's VPN users.
 * - {@link Workload}: the Deployment + Service building block they share.
 */
export * from "./env-value.js";
export * from "./health-check.js";
export * from "./image.js";
export * from "./workload.js";
export * from "./ingressed-service.js";
export * from "./postgres-backup.js";
export * from "./retention.js";
export * from "./postgres-app.js";
export * from "./wireguard-gateway.js";
