/**
 * The lab's infrastructure: {@link HelmApp} (one Flux-installed Helm chart),
 * the pinned {@link CHARTS}, and {@link addInfrastructure}, which installs the
 * controllers every app stands on and configures them from the model.
 *
 * An internal index of the folder, for the library's own modules and tests: the public names are the
 * ones lib/k8s/index.ts (`cdk8s-homelab/k8s`) re-exports.
 */
export * from "./chart-source.js";
export * from "./charts.js";
export * from "./conventions.js";
export { HelmApp, type HelmAppProps, type HelmValues } from "./helm-app.js";
export * from "./infrastructure.js";
export * from "./values.js";
