/**
 * The structural check of SOPS files (lib/k8s/sops-structure.ts) on hand-built files: a good one
 * passes, each broken one is refused with its path, and no value of a file ever reaches a message.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSopsFile, encryptedByRules } from "../lib/k8s/sops-structure.js";
import { ADMIN_RECIPIENT, CLUSTER_RECIPIENT, sopsSecret } from "./helpers/sops.js";

const good = sopsSecret({ namespace: "pihole", name: "pihole-admin" });
const recipients = [
  { recipient: CLUSTER_RECIPIENT, path: "kubernetes.flux.sopsAgeRecipients[0]" },
  { recipient: ADMIN_RECIPIENT, path: "kubernetes.flux.sopsAgeRecipients[1]" },
];

function problems(text: string, r = recipients.slice(0, 1)): readonly string[] {
  const result = checkSopsFile(good.path, text, r);
  return result.ok ? [] : result.problems;
}

describe("checkSopsFile", () => {
  it("passes what sops writes with encrypted_regex ^(data|stringData)$", () => {
    expect(checkSopsFile(good.path, good.text, recipients.slice(0, 1))).toEqual({
      ok: true,
      namespace: "pihole",
      name: "pihole-admin",
    });
  });

  it("reads sops' rules as sops does", () => {
    const rules = (rule: Record<string, string>) =>
      ["data", "stringData", "kind", "metadata"].map((k) => encryptedByRules(rule, k));
    expect(rules({ encrypted_regex: "^(data|stringData)$" })).toEqual([true, true, false, false]);
    expect(rules({ unencrypted_regex: "^(apiVersion|kind|metadata|type)$" })).toEqual([true, true, false, false]);
    expect(rules({ encrypted_suffix: "Data" })).toEqual([false, true, false, false]);
    expect(rules({})).toEqual([true, true, true, true]); // sops' default: everything but *_unencrypted
    expect(encryptedByRules({ encrypted_regex: "([" }, "data")).toMatch(/not a regular expression/);
  });

  it("refuses each broken file with the field's path", () => {
    const cases: [string, string, RegExp][] = [
      ["no mac", good.text.replace(/ {4}mac: .*\n/, ""), /: sops\.mac: is missing/],
      ["a plaintext MAC", good.text.replace(/mac: .*\n/, "mac: abc\n"), /: sops\.mac: is not an encrypted MAC/],
      ["no recipient", good.text.replace(/ {4}age:\n(?: {8}.*\n| {12}.*\n)+/, ""), /: sops: names no recipient/],
      [
        "one plaintext value",
        good.text.replace(/password: ENC\[.*\]/, "password: hunter2"),
        /: stringData\.password: is a plaintext value/,
      ],
      [
        "a rule that misses stringData",
        good.text.replace("encrypted_regex: ^(data|stringData)$", "encrypted_regex: ^data$"),
        /: stringData: is not covered by the file's sops rules/,
      ],
      [
        "sops' default rule (kind and metadata encrypted too)",
        good.text.replace("encrypted_regex: ^(data|stringData)$", "unencrypted_suffix: _unencrypted"),
        /: apiVersion: is encrypted \(or the file's sops rules encrypt it\)/,
      ],
      [
        "metadata only",
        good.text.replace(/stringData:\n {4}password: .*\n/, ""),
        /: has sops metadata but no encrypted data/,
      ],
      [
        "plaintext",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: b}\ndata: {token: aHVudGVyMg==}\n",
        /: is not SOPS-encrypted \(no sops metadata, plaintext values at data\.token\)/,
      ],
      [
        "encrypted metadata",
        good.text.replace("namespace: pihole", "namespace: ENC[AES256_GCM,data:eA==,iv:aQ==,tag:dA==,type:str]"),
        /needs metadata\.name and metadata\.namespace in plain text/,
      ],
      ["not a Secret", "apiVersion: v1\nkind: ConfigMap\n", /: not a Kubernetes Secret/],
      ["not YAML", "kind: Secret\n  bad: [hunter2\n", /: not valid YAML at line \d+, column \d+/],
    ];
    for (const [what, text, message] of cases) {
      const found = problems(text);
      expect(found.length, what).toBeGreaterThan(0);
      expect(found.join("\n"), what).toMatch(message);
      expect(
        found.every((p) => p.startsWith(`${good.path}: `)),
        what,
      ).toBe(true);
      expect(found.join("\n"), what).not.toContain("hunter2");
    }
  });

  it("refuses a file not encrypted for one of the model's recipients, naming the spec path", () => {
    const found = problems(good.text, recipients);
    expect(found).toEqual([
      `${good.path}: sops.age: is not encrypted for ${ADMIN_RECIPIENT} (kubernetes.flux.sopsAgeRecipients[1]), ` +
        `which then cannot decrypt it; run \`sops updatekeys ${good.path}\` after .sops.yaml names every recipient`,
    ]);
    const both = sopsSecret({
      namespace: "pihole",
      name: "pihole-admin",
      recipients: [CLUSTER_RECIPIENT, ADMIN_RECIPIENT],
    });
    expect(problems(both.text, recipients)).toEqual([]);
  });

  it("never echoes a value: a plaintext secret put anywhere in a file stays out of every message", () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9+/]{12,40}$/).map((s) => `Zq${s}`);
    const field = fc.constantFrom(
      "stringData.password",
      "data.token",
      "sops.mac",
      "metadata.labels.x",
      "type",
      "kind",
      "extra",
    );
    fc.assert(
      fc.property(secret, field, fc.boolean(), (value, where, withSops) => {
        let text = withSops ? good.text : "apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: b}\n";
        if (where === "stringData.password")
          text = text
            .replace(/password: .*\n/, `password: ${value}\n`)
            .replace(/^kind/m, withSops ? "kind" : `stringData: {password: ${value}}\nkind`);
        else if (where === "data.token") text += `data:\n    token: ${value}\n`;
        else if (where === "sops.mac")
          text = withSops ? text.replace(/mac: .*\n/, `mac: ${value}\n`) : `${text}sops: {mac: ${value}}\n`;
        else if (where === "metadata.labels.x")
          text = text.replace(/name: (\S+)/, `name: $1\n    labels: {x: ${value}}`);
        else if (where === "type") text = text.replace(/^kind: Secret$/m, `kind: Secret\ntype: ${value}`);
        else if (where === "kind") text = text.replace(/^kind: Secret$/m, `kind: ${value}`);
        else text += `${value}: [${value}\n`;
        const result = checkSopsFile(good.path, text, recipients);
        const said = result.ok ? "" : result.problems.join("\n");
        expect(said).not.toContain(value);
      }),
      { numRuns: 500, seed: 8 },
    );
  });
});
