/**
 * Your names (issue 10, part 1): constructs take the reservation they use as a prop, and a VPN user's key
 * reference says whether it is a sops-nix key or a Kubernetes Secret; the Kubernetes side derives a valid
 * Secret name from a SOPS key.
 */
import { describe, expect, it } from "vitest";
import { render } from "../lib/synth/render.js";
import { Homelab, secretNameOfSopsKey } from "../lib/model/index.js";
import { loadYamlDocuments } from "./helpers/schemas.js";
import { nixlabKubernetes, nixlabSpec } from "./fixtures/nixlab-lab.js";
import type { Manifest } from "./helpers/k8s.js";

const docsOf = (files: ReadonlyMap<string, string>, file: string): Manifest[] =>
  loadYamlDocuments(files.get(file)!) as Manifest[];

describe("your names", () => {
  const rendered = render({ spec: nixlabSpec, source: "test/fixtures/nixlab-lab.ts", kubernetes: nixlabKubernetes });

  it("puts the ingress controller's Service on the reservation the prop names (nginx)", () => {
    const release = docsOf(rendered.files, "dist/infrastructure/controllers/ingress-nginx.yaml").find(
      (d) => d.kind === "HelmRelease",
    )!;
    expect(release.spec.values.controller.service.annotations).toEqual({
      "metallb.io/loadBalancerIPs": "192.168.1.193",
    });
    expect(rendered.checks.findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("mounts a SOPS-keyed user's public key from the Secret derived from the key", () => {
    const deployment = docsOf(rendered.files, "dist/apps/wireguard.yaml").find((d) => d.kind === "Deployment")!;
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: "peer-alice",
      secret: {
        secretName: "alice-wg-public-key",
        defaultMode: 0o400,
        items: [{ key: "publicKey", path: "publicKey" }],
      },
    });
    const alice = rendered.homelab.vpn!.users.find((u) => u.name === "alice")!;
    expect(alice.publicKeyRef).toEqual({
      kind: "sops",
      name: "alice_wg_public_key",
      secretName: "alice-wg-public-key",
    });
    expect(rendered.secrets.map((s) => `${s.namespace}/${s.name}`)).toContain("wireguard/alice-wg-public-key");
  });

  it("derives Secret names deterministically: lowercase, one '-' for every other run, none at the ends", () => {
    expect(secretNameOfSopsKey("alice_wg_public_key")).toBe("alice-wg-public-key");
    expect(secretNameOfSopsKey("wireguard/Alice__Key")).toBe("wireguard-alice-key");
    expect(secretNameOfSopsKey("_x.y_")).toBe("x-y");
    expect(secretNameOfSopsKey("___")).toBeUndefined();
    expect(secretNameOfSopsKey("a".repeat(254))).toBeUndefined();
  });

  it("refuses two SOPS keys that derive the same Secret, naming both", () => {
    const spec = structuredClone(nixlabSpec) as any;
    spec.vpn.users[1].publicKeySecret = { sops: "Alice-WG-public-key" };
    const { problems } = Homelab.validate(spec);
    expect(problems.filter((p) => p.level === "error").map((p) => [p.path.join("."), p.message])).toEqual([
      [
        "vpn.users.1.publicKeySecret",
        'sops key "Alice-WG-public-key" needs the Kubernetes Secret "alice-wg-public-key", which ' +
          'vpn.users[0].publicKeySecret (sops "alice_wg_public_key") already names',
      ],
    ]);
  });

  it("says how to name a SOPS key when a string is not a Secret name", () => {
    const spec = structuredClone(nixlabSpec) as any;
    spec.vpn.users[0].publicKeySecret = "alice_wg_public_key";
    const errors = Homelab.validate(spec).problems.filter((p) => p.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.fix).toContain('{ sops: "alice_wg_public_key" } (its Secret is "alice-wg-public-key")');
  });
});
