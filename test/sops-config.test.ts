/**
 * `.sops.yaml` checked against the model's age recipients (lib/cli/sops-config.ts): synth never writes
 * it (it is outside dist/ and nix/), it warns until the rule for apps/secrets/ fits the model, and each
 * warning shows the rule to write.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sopsConfigOptions, sopsConfigWarnings, sopsCreationRule } from "../lib/cli/sops-config.js";
import { render } from "../lib/synth/render.js";
import { homelab } from "./fixtures/lab/homelab.js";
import { ADMIN_RECIPIENT, CLUSTER_RECIPIENT } from "./helpers/sops.js";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-sops-config-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const recipients = [CLUSTER_RECIPIENT, ADMIN_RECIPIENT];
const write = (text: string) => fs.writeFileSync(path.join(root, ".sops.yaml"), text);

describe(".sops.yaml", () => {
  it("the suggested rule passes its own check", () => {
    write(`${sopsCreationRule(recipients)}\n`);
    expect(sopsConfigWarnings(root, { recipients })).toEqual([]);
    expect(sopsCreationRule(recipients)).toBe(
      "creation_rules:\n  - path_regex: ^apps/secrets/.*\\.sops\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n" +
        `    age: ${CLUSTER_RECIPIENT},${ADMIN_RECIPIENT}`,
    );
  });

  it("missing while the model names recipients: a warning with the rule to write", () => {
    const [w] = sopsConfigWarnings(root, { recipients });
    expect(w).toMatch(/^\.sops\.yaml is missing, so `sops --encrypt` of a new file in apps\/secrets\/ /);
    expect(w).toContain(`age: ${CLUSTER_RECIPIENT},${ADMIN_RECIPIENT}`);
    expect(sopsConfigWarnings(root)).toEqual([]);
  });

  it("a rule that misses a recipient, a list of recipients and key groups", () => {
    write(
      `creation_rules:\n  - path_regex: ^apps/secrets/\n    encrypted_regex: ^(data|stringData)$\n    age: ${CLUSTER_RECIPIENT}\n`,
    );
    expect(sopsConfigWarnings(root, { recipients })).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\.sops\\.yaml: creation_rules\\[0\\] \\(the rule for apps/secrets/\\) does not name ${ADMIN_RECIPIENT} \\(kubernetes\\.flux\\.sopsAgeRecipients\\[1\\]\\)`,
        ),
      ),
    ]);
    write(
      "creation_rules:\n  - path_regex: ^apps/secrets/\n    encrypted_regex: ^(data|stringData)$\n" +
        `    key_groups:\n      - age:\n          - ${CLUSTER_RECIPIENT}\n          - ${ADMIN_RECIPIENT}\n`,
    );
    expect(sopsConfigWarnings(root, { recipients })).toEqual([]);
  });

  it("sops' default rule (everything encrypted) and an earlier catch-all rule are found by the rule's index", () => {
    write(`creation_rules:\n  - path_regex: ^apps/secrets/\n    age: ${recipients.join(",")}\n`);
    expect(sopsConfigWarnings(root, { recipients })[0]).toMatch(
      /^\.sops\.yaml: creation_rules\[0\] \(the rule for apps\/secrets\/\) must encrypt data and stringData and leave apiVersion, kind and metadata in plain text/,
    );
    write(
      `creation_rules:\n  - age: ${recipients.join(",")}\n` +
        `  - path_regex: ^apps/secrets/\n    encrypted_regex: ^(data|stringData)$\n    age: ${recipients.join(",")}\n`,
    );
    expect(sopsConfigWarnings(root, { recipients })[0]).toMatch(/^\.sops\.yaml: creation_rules\[0\] /);
  });

  it("no rule for the lab's own secrets folder", () => {
    write(
      `creation_rules:\n  - path_regex: ^secrets/\n    encrypted_regex: ^(data|stringData)$\n    age: ${CLUSTER_RECIPIENT}\n`,
    );
    expect(sopsConfigWarnings(root, { recipients: [CLUSTER_RECIPIENT], secretsDir: "k8s/secrets" })).toEqual([
      expect.stringMatching(
        /^\.sops\.yaml: no creation rule matches a new file of k8s\/secrets\/ .*path_regex: \^k8s\/secrets\//s,
      ),
    ]);
  });

  it("takes the recipients from the lab's spec, and none from an invalid one", () => {
    const spec = structuredClone(homelab) as any;
    spec.kubernetes.flux.sopsAgeRecipients = recipients;
    expect(sopsConfigOptions({ definition: { spec } })).toEqual({ recipients, secretsDir: "apps/secrets" });
    expect(sopsConfigOptions({ definition: { spec: {}, secretsDir: "s" } })).toEqual({
      recipients: [],
      secretsDir: "s",
    });
  });

  it("the model refuses a recipient that is not an age public key, by its spec path", () => {
    const spec = structuredClone(homelab) as any;
    spec.kubernetes.flux.sopsAgeRecipients = [CLUSTER_RECIPIENT, "age1short", CLUSTER_RECIPIENT];
    expect(() => render({ spec })).toThrow(
      /kubernetes\.flux\.sopsAgeRecipients\[1\].*"age1short" is not an age public key/s,
    );
    expect(() => render({ spec })).toThrow(/kubernetes\.flux\.sopsAgeRecipients\[2\].*is listed twice/s);
  });
});

describe(".sops.yaml of a lab without a Kubernetes side", () => {
  it("takes no recipients from it (and does not throw)", () => {
    const spec = structuredClone(homelab) as any;
    delete spec.kubernetes;
    expect(sopsConfigOptions({ definition: { spec } })).toEqual({ recipients: [], secretsDir: "apps/secrets" });
  });
});
