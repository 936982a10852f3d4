/**
 * The lab's infrastructure: {@link HelmApp} (one Flux-installed Helm chart),
 * the pinned {@link CHARTS}, and {@link addInfrastructure}, which installs the
 * controllers every app stands on and configures them from the model.
 */
export * from "./chart-source.js";
export * from "./charts.js";
export * from "./conventions.js";
export { HelmApp, type HelmAppProps, type HelmValues } from "./helm-app.js";
export * from "./infrastructure.js";
export * from "./values.js";
