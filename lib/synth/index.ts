/** Synth: render everything in memory, check it, then write it in one transaction. */
export * from "./files.js";
export * from "./render.js";
export * from "./write.js";
export * from "./cli.js";
