import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { IngressedService, WireGuardGateway } from "../lib/k8s/apps/index.js";
import { collectUnits, duplicateProblems } from "../lib/k8s/documents.js";
import { bootstrapUnits } from "../lib/k8s/flux.js";
import { HomelabApp } from "../lib/k8s/homelab-app.js";
import { addInfrastructure } from "../lib/k8s/infrastructure/index.js";
import { ensureNamespace } from "../lib/k8s/namespace.js";
import { ConstructValidationError, prepare, renderFiles, renderKubernetes } from "../lib/k8s/render.js";
import { planSops, type SopsFile } from "../lib/k8s/sops.js";
import { Homelab } from "../lib/model/index.js";
import { render } from "../lib/synth/render.js";
import { twoNodeLab } from "./fixtures/two-node-lab.js";

function build(app: HomelabApp): void {
  addInfrastructure(app);
  new IngressedService(app.apps, "whoami", { image: "traefik/whoami:v1.10.3", port: 8080 });
  new WireGuardGateway(app.apps, "wireguard");
}

function lab(): HomelabApp {
  const app = new HomelabApp(Homelab.create(twoNodeLab));
  build(app);
  return app;
}

const encrypted = (namespace: string, name: string): SopsFile => ({
  path: `apps/secrets/${namespace}-${name}.sops.yaml`,
  text:
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n` +
    "stringData:\n  privateKey: ENC[AES256_GCM,data:Yk3x,iv:9dK2,tag:2Tq0,type:str]\n" +
    "sops:\n  age:\n    - recipient: age1ja2mfp2fvzvcgcjhv63x7rljltfkeusvqg8t8w709vdtdsg93dysxgpa7n\n" +
    "      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n        YWdl\n        -----END AGE ENCRYPTED FILE-----\n" +
    "  mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]\n  encrypted_regex: ^(data|stringData)$\n",
});

describe("the render pipeline", () => {
  it("renders the same app twice to the same files, and the tree does not grow", () => {
    const app = lab();
    const sopsFiles = [encrypted("wireguard", "wireguard-server-key")];
    const first = renderKubernetes(app, { sopsFiles });
    const constructs = app.node.findAll().length;
    const second = renderKubernetes(app, { sopsFiles });
    expect(app.node.findAll().length).toBe(constructs);
    expect([...second.files.keys()]).toEqual([...first.files.keys()]);
    expect(second.files).toEqual(first.files);
    expect(second.warnings).toEqual(first.warnings);
    // The files are those of a fresh app built the same way.
    expect(renderKubernetes(lab(), { sopsFiles }).files).toEqual(first.files);
    expect(first.files.has("dist/bootstrap/layers.yaml")).toBe(true);
  });

  it("prepare puts each namespace in the tree once, in the earliest layer that asks, and is idempotent", () => {
    const app = new HomelabApp(Homelab.create(twoNodeLab));
    ensureNamespace(new Construct(app.apps, "late"), "shared", "baseline");
    ensureNamespace(new Construct(app.configs, "early"), "shared", "baseline");
    prepare(app);
    prepare(app);
    const namespaces = app.node.findAll().filter((c) => c.node.path.endsWith("/namespaces/shared"));
    expect(namespaces.map((c) => c.node.path)).toEqual(["configs/namespaces/shared"]);
    // Asked for later: the next prepare adds it, and only it.
    ensureNamespace(new Construct(app.apps, "later"), "more");
    prepare(app);
    expect(app.apps.node.tryFindChild("namespaces")?.node.children.map((c) => c.node.id)).toEqual(["more"]);
  });

  it("collects every problem in one error: SOPS files, conflicts, validations, file names and duplicates", () => {
    const app = lab();
    ensureNamespace(new Construct(app.apps, "a"), "clash", "restricted");
    ensureNamespace(new Construct(app.apps, "b"), "clash", "privileged");
    new Construct(app.apps, "Bad_Name");
    new IngressedService(app.apps, "whoami-two", { image: "traefik/whoami:v1.10.3", port: 8080, namespace: "whoami" });
    const plain: SopsFile = {
      path: "apps/secrets/x.sops.yaml",
      text: "kind: Secret\nmetadata: {name: x, namespace: y}\nstringData: {a: b}\n",
    };
    let error: unknown;
    try {
      renderKubernetes(app, { sopsFiles: [plain] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConstructValidationError);
    const problems = (error as ConstructValidationError).problems;
    expect(problems[0]).toMatch(/^apps\/secrets\/x\.sops\.yaml: is not SOPS-encrypted/);
    expect(problems[1]).toMatch(
      /^namespace "clash" is asked for with different Pod Security levels: restricted by apps\/a, privileged by apps\/b\./,
    );
    expect(problems).toContain(
      '[apps/Bad_Name] "Bad_Name" cannot name a file: use lowercase letters, digits and "-" for the construct id',
    );
  });

  it("each data step works alone: units, duplicates, SOPS plan, files", () => {
    const app = lab();
    prepare(app);
    const { units, problems } = collectUnits(app.apps, "apps");
    expect(problems).toEqual([]);
    expect(units.map((u) => u.name)).toEqual(["whoami", "wireguard", "namespaces"]);
    expect(duplicateProblems([...units, units[0]!])[0]).toMatch(/^\[apps\/whoami\/.*is also defined by apps\/whoami\//);

    const plan = planSops(
      app.layers,
      [encrypted("wireguard", "wireguard-server-key"), encrypted("misc", "extra")],
      app.apps,
    );
    expect(plan.problems).toEqual([]);
    expect(plan.carried.get("apps")?.map((f) => f.name)).toEqual([
      "wireguard-wireguard-server-key.sops.yaml",
      "misc-extra.sops.yaml",
    ]);
    expect([...plan.decrypt].sort()).toEqual(["apps", "infrastructure/addons", "infrastructure/configs"]);
    expect(plan.expected.map((s) => `${s.namespace}/${s.name} ${s.layerDir} ${s.provided}`)).toEqual([
      "cert-manager/cloudflare-api-token infrastructure/configs false",
      "external-dns/cloudflare-api-token infrastructure/addons false",
      "pihole/pihole-admin infrastructure/addons false",
      "wireguard/wireguard-server-key apps true",
    ]);

    const files = renderFiles(units, plan.carried, { outDir: "out", header: "# h\n" });
    expect([...files.keys()].sort()).toEqual([
      "out/apps/kustomization.yaml",
      "out/apps/misc-extra.sops.yaml",
      "out/apps/namespaces.yaml",
      "out/apps/whoami.yaml",
      "out/apps/wireguard-wireguard-server-key.sops.yaml",
      "out/apps/wireguard.yaml",
    ]);
    expect(files.get("out/apps/kustomization.yaml")).toBe(
      "# h\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - misc-extra.sops.yaml\n" +
        "  - namespaces.yaml\n  - whoami.yaml\n  - wireguard-wireguard-server-key.sops.yaml\n  - wireguard.yaml\n",
    );
  });

  it("the Flux bootstrap is derived from the active folders: an empty layer is skipped in dependsOn", () => {
    const app = new HomelabApp(Homelab.create(twoNodeLab));
    const units = bootstrapUnits(
      app.homelab,
      app.layers,
      new Set(["infrastructure/controllers", "apps"]),
      new Set(["apps"]),
    );
    expect(units.map((u) => u.name)).toEqual(["source", "layers"]);
    const layers = units[1]!.docs.map((d) => d.doc as any);
    expect(layers.map((k) => [k.metadata.name, k.spec.dependsOn, k.spec.decryption?.provider])).toEqual([
      ["infra-controllers", undefined, undefined],
      ["apps", [{ name: "infra-controllers" }], "sops"],
    ]);
    expect(layers.map((k) => k.spec.path)).toEqual(["./dist/infrastructure/controllers", "./dist/apps"]);
    // Nothing was added to the lab's tree.
    expect(app.node.tryFindChild("bootstrap")).toBeUndefined();
    expect(units[0]!.docs[0]!.doc).toMatchObject({
      kind: "GitRepository",
      spec: { url: twoNodeLab.kubernetes!.flux.url },
    });
  });

  it("synth's render returns the app and the Secrets the lab expects", () => {
    const rendered = render({
      spec: twoNodeLab,
      kubernetes: build,
      sopsFiles: [encrypted("wireguard", "wireguard-server-key")],
    });
    expect(HomelabApp.isHomelabApp(rendered.app)).toBe(true);
    expect(rendered.app!.apps.node.tryFindChild("whoami")).toBeDefined();
    expect(rendered.secrets.find((s) => s.name === "wireguard-server-key")).toEqual({
      namespace: "wireguard",
      name: "wireguard-server-key",
      purpose: expect.stringContaining("WireGuard server private key"),
      layerDir: "apps",
      provided: true,
    });
    expect(rendered.secrets.filter((s) => !s.provided).map((s) => `${s.namespace}/${s.name}`)).toEqual([
      "cert-manager/cloudflare-api-token",
      "external-dns/cloudflare-api-token",
      "pihole/pihole-admin",
    ]);
    const withoutK8s = render({ spec: twoNodeLab });
    expect(withoutK8s.app).toBeUndefined();
    expect(withoutK8s.secrets).toEqual([]);
  });
});
