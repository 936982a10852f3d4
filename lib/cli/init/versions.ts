/**
 * The versions a new lab's package.json pins: the same as this package's own (a test checks that they
 * agree), so a lab starts on what the library is tested with. Renovate bumps them in the lab afterwards.
 */
export const LAB_DEPENDENCIES = {
  cdk8s: "2.70.106",
  constructs: "10.8.1",
} as const;

/** Development tools of a new lab. */
export const LAB_DEV_DEPENDENCIES = {
  "@types/node": "20.19.0",
  tsx: "4.23.15",
  typescript: "5.9.3",
  vitest: "4.1.12",
} as const;
