import { describe, expect, it } from "vitest";
import { WireGuardGateway } from "../lib/k8s/apps/index.js";
import { HomelabApp } from "../lib/k8s/homelab-app.js";
import { ConstructValidationError, renderKubernetes, type SopsFile } from "../lib/k8s/render.js";
import { Homelab } from "../lib/model/index.js";
import { homelab as example } from "./fixtures/lab/homelab.js";
import { checkManifest, loadYamlDocuments } from "./helpers/schemas.js";

/** A Secret in the shape sops writes (values and MAC are ENC[...] envelopes). */
const encrypted = (namespace: string, name: string): SopsFile => ({
  path: `apps/secrets/${namespace}-${name}.sops.yaml`,
  text: `apiVersion: v1
kind: Secret
metadata:
    name: ${name}
    namespace: ${namespace}
type: Opaque
stringData:
    privateKey: ENC[AES256_GCM,data:Yk3x0aVh4Q==,iv:9dK2W1y0QpW0Z6m6Ww3b3kq8o1VhU2c2L0wP9A1xk9o=,tag:2Tq0m8mFf1n0yU3bq1a3Dg==,type:str]
sops:
    age:
        - recipient: age1ja2mfp2fvzvcgcjhv63x7rljltfkeusvqg8t8w709vdtdsg93dysxgpa7n
          enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOQ==
            -----END AGE ENCRYPTED FILE-----
    lastmodified: "2026-11-01T10:00:00Z"
    mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]
    encrypted_regex: ^(data|stringData)$
    version: 3.9.0
`,
});

function render(sopsFiles: readonly SopsFile[]) {
  const app = new HomelabApp(Homelab.create(example));
  new WireGuardGateway(app.apps, "wireguard");
  return renderKubernetes(app, { sopsFiles });
}

describe("SOPS-encrypted Secrets kept beside the definitions", () => {
  it("are carried byte for byte into the layer that reads them, listed in its kustomization, and decrypted by its Flux Kustomization", () => {
    const file = encrypted("wireguard", "wireguard-server-key");
    const { files, warnings } = render([file]);
    expect(files.get("dist/apps/wireguard-wireguard-server-key.sops.yaml")).toBe(file.text);
    expect(files.get("dist/apps/kustomization.yaml")).toContain("- wireguard-wireguard-server-key.sops.yaml");
    expect(warnings.join("\n")).not.toContain("wireguard/wireguard-server-key");
    const apps = loadYamlDocuments(files.get("dist/bootstrap/layers.yaml")!).find(
      (d: any) => d.metadata.name === "apps",
    ) as any;
    expect(apps.spec.decryption).toEqual({ provider: "sops", secretRef: { name: "sops-age" } });
    // The carried document is a valid Secret once decrypted, and passes the no-plaintext rule.
    for (const doc of loadYamlDocuments(file.text)) expect(checkManifest(doc)).toEqual([]);
  });

  it("a plaintext Secret is refused, nothing is rendered, and the message says how to encrypt it", () => {
    const plain: SopsFile = {
      path: "apps/secrets/oops.sops.yaml",
      text: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: oops\n  namespace: wireguard\nstringData:\n  privateKey: hunter2\n",
    };
    let error: unknown;
    try {
      render([plain]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConstructValidationError);
    expect((error as Error).message).toContain("apps/secrets/oops.sops.yaml: is not SOPS-encrypted");
    expect((error as Error).message).toContain("sops --encrypt --in-place apps/secrets/oops.sops.yaml");
    expect((error as Error).message).not.toContain("hunter2");
  });

  it("a file without namespace and name is refused", () => {
    expect(() => render([{ path: "apps/secrets/x.sops.yaml", text: "kind: Secret\nmetadata: {}\n" }])).toThrow(
      /needs metadata.name and metadata.namespace/,
    );
  });

  it("a file with sops metadata but no encrypted data is refused, without echoing it", () => {
    const full = encrypted("wireguard", "wireguard-server-key");
    const empty = { ...full, text: full.text.replace(/stringData:\n.*\n/, "") };
    expect(empty.text).not.toMatch(/^stringData:/m);
    expect(() => render([empty])).toThrow(/has sops metadata but no encrypted data/);
  });

  it("carries a 20,000-key file byte for byte (parsed without yaml's quadratic unique-key pass)", () => {
    const keys = Array.from(
      { length: 20_000 },
      (_, i) => `    k${i}: ENC[AES256_GCM,data:eA==,iv:aQ==,tag:dA==,type:str]`,
    );
    const big = encrypted("wireguard", "wireguard-server-key");
    const text = big.text.replace(/stringData:\n.*\n/, `stringData:\n${keys.join("\n")}\n`);
    // yaml's unique-key check is quadratic: 4.3 s instead of 1.5 s for this parse, minutes for 2 MB.
    const { files } = render([{ ...big, text }]);
    expect(files.get("dist/apps/wireguard-wireguard-server-key.sops.yaml")).toBe(text);
  });
});
