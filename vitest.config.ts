import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

/**
 * `import "cdk8s-homelab/..."` inside this repository (the example lab, the test fixtures) resolves
 * through the package's own `exports` to the TypeScript sources, not to the compiled build/pkg.
 */
const conditions = ["cdk8s-homelab-source", ...defaultServerConditions];

/**
 * Three tiers, all run by `npm test`:
 * - unit: fast, in-process tests of the library (test/*.test.ts);
 * - e2e: tests that spawn synth, kill processes, build the package or run a second Node (test/e2e/);
 * - example: the example lab's own tests (apps/test/), the way a user tests their lab.
 * Run one with `npm run test:unit`, `npm run test:e2e` or `npm run test:example`.
 */
export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "unit", include: ["test/*.test.ts"] } },
      { extends: true, test: { name: "e2e", include: ["test/e2e/**/*.test.ts"] } },
      { extends: true, test: { name: "example", include: ["apps/test/**/*.test.ts"] } },
    ],
  },
});
