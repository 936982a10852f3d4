/**
 * The Renovate configuration shipped in this repository (renovate.json) and in every lab `init` makes:
 * a regex manager for the `// renovate:` comments of lib/versions (and of a lab's own TypeScript), next to
 * Renovate's own npm and GitHub Actions managers.
 */

/** The regex (Renovate's `matchStrings` syntax: JavaScript named groups) that finds one pin. */
export const RENOVATE_PIN_REGEX = [
  "//\\s*renovate:\\s*datasource=(?<datasource>\\S+)\\s+depName=(?<depName>\\S+)",
  "(?:\\s+registryUrl=(?<registryUrl>\\S+))?(?:\\s+versioning=(?<versioning>\\S+))?\\s*\\n",
  '\\s*(?:export\\s+)?(?:const\\s+|let\\s+)?[\\w"\'-]+\\s*[:=]\\s*"(?<currentValue>[^"]+)"',
].join("");

/** renovate.json. */
export const RENOVATE_CONFIG = {
  $schema: "https://docs.renovatebot.com/renovate-schema.json",
  extends: ["config:recommended"],
  customManagers: [
    {
      customType: "regex",
      description: "Chart versions and image tags pinned in TypeScript under a `// renovate:` comment",
      managerFilePatterns: ["/(^|/)(lib|apps)/.+\\.ts$/"],
      matchStrings: [RENOVATE_PIN_REGEX],
    },
  ],
  packageRules: [
    {
      description: "Charts and images of the lab: one pull request each, so a bump shows its own `cdk8s-homelab diff`",
      matchManagers: ["custom.regex"],
      separateMinorPatch: true,
    },
  ],
} as const;
