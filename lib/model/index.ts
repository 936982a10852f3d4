/**
 * The homelab model: plain data, no cdk8s. `Homelab.create(spec)` validates a
 * {@link HomelabSpec} and returns the single source of truth that the Nix
 * emitter and the Kubernetes constructs read.
 */
export * from "./ip.js";
export * from "./order.js";
export * from "./problems.js";
export * from "./spec.js";
export * from "./roles.js";
export * from "./homelab.js";
export { firewallOf, orderRoles } from "./validate.js";
