/**
 * The YAML emitter: block-style YAML that YAML 1.1 and 1.2 readers take the same way. Internal to the
 * library (no entry point of package.json exports it).
 */
export * from "./emit.js";
