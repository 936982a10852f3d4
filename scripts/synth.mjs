#!/usr/bin/env node
/**
 * Kept for old habits: `node scripts/synth.mjs [--check]` is `cdk8s-homelab synth [--check]`
 * (bin/cdk8s-homelab.mjs), which bundles the lab's entry with esbuild and caches the bundle.
 */
process.argv.splice(2, 0, "synth");
await import("../bin/cdk8s-homelab.mjs");
