/** The gate for tests backed by ../shared: skip with a notice, required under CI=true unless HOMELAB_NO_SHARED=1. */
import { describe, expect, it } from "vitest";
import { sharedAvailable, sharedRequired } from "./helpers/shared.js";

const missing = "no-such-folder-in-shared";

describe("tests backed by ../shared", () => {
  it("are skipped (false, with a notice) when their folder is absent outside CI", () => {
    expect(sharedAvailable(missing, "a test", {})).toBe(false);
    expect(sharedAvailable(missing, "a test", { CI: "false" })).toBe(false);
  });

  it("are required under CI=true: an absent folder fails the run, naming it and the way out", () => {
    expect(sharedRequired({ CI: "true" })).toBe(true);
    expect(() => sharedAvailable(missing, "a test", { CI: "true" })).toThrow(
      /a test needs .*no-such-folder-in-shared.*HOMELAB_NO_SHARED=1/,
    );
  });

  it("HOMELAB_NO_SHARED=1 makes a CI run deliberately without ../shared skip them", () => {
    expect(sharedRequired({ CI: "true", HOMELAB_NO_SHARED: "1" })).toBe(false);
    expect(sharedAvailable(missing, "a test", { CI: "true", HOMELAB_NO_SHARED: "1" })).toBe(false);
  });
});
