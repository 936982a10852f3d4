/** The Kubernetes side: the app and its layers, the constructs, and the in-memory renderer. */
export * from "./homelab-app.js";
export * from "./defaults.js";
export * from "./namespace.js";
export * from "./flux.js";
export * from "./render.js";
export * from "../yaml/index.js";
export * from "./apps/index.js";
export * from "./infrastructure/index.js";
