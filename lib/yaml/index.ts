/** The YAML emitter: block-style YAML that YAML 1.1 and 1.2 readers take the same way. */
export * from "./emit.js";
