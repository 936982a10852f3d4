/**
 * One lookup shape, as AWS CDK's `Stack.of(this)`: `Homelab.of`, `HomelabApp.of` and `Layer.of`
 * find what a construct stands on, by a `Symbol.for` brand, and say what to build first.
 */
import { App, Chart } from "cdk8s";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { HomelabApp, Layer } from "../lib/k8s/homelab-app.js";
import { Homelab } from "../lib/model/index.js";
import { twoNodeLab } from "./fixtures/two-node-lab.js";

describe("X.of(scope)", () => {
  it("finds the lab, the app and the layer from any depth", () => {
    const lab = Homelab.create(twoNodeLab);
    const app = new HomelabApp(lab);
    const deep = new Construct(new Construct(app.configs, "unit"), "leaf");
    expect(Homelab.of(deep)).toBe(lab);
    expect(HomelabApp.of(deep)).toBe(app);
    expect(Layer.of(deep)).toBe(app.configs);
    expect(Layer.of(app.apps)).toBe(app.apps);
    expect(app.layers.map((l) => [l.layerId, l.dir, l.kustomizationName, l.dependsOn.map((d) => d.layerId)])).toEqual([
      ["controllers", "infrastructure/controllers", "infra-controllers", []],
      ["configs", "infrastructure/configs", "infra-configs", ["controllers"]],
      ["storage", "infrastructure/storage", "infra-storage", []],
      ["addons", "infrastructure/addons", "infra-addons", ["configs"]],
      ["apps", "apps", "apps", ["configs", "storage"]],
    ]);
  });

  it("outside a HomelabApp, each says what to build first", () => {
    const plain = new Construct(new Chart(new App(), "chart"), "thing");
    expect(() => Homelab.of(plain)).toThrow(
      /no homelab in this construct tree: build constructs inside `new HomelabApp\(Homelab\.create\(spec\)\)`/,
    );
    expect(() => HomelabApp.of(plain)).toThrow(
      "chart/thing: the construct tree's root is not a HomelabApp; build new HomelabApp(Homelab.create(spec)) first " +
        "and create constructs in its layers",
    );
    expect(() => Layer.of(plain)).toThrow(
      /^chart\/thing is not inside a layer: build it in app\.controllers, app\.configs or app\.apps/,
    );
    const app = new HomelabApp(Homelab.create(twoNodeLab));
    expect(() => Layer.of(new Construct(app, "loose"))).toThrow(/^loose is not inside a layer/);
    expect(() => Layer.of(app)).toThrow(/^the root is not inside a layer/);
  });

  it("checks a Symbol.for brand, not instanceof, so two copies of the package agree", () => {
    const app = new HomelabApp(Homelab.create(twoNodeLab));
    // What another copy of the package would make: different classes, the same global symbols.
    const foreign = { [Symbol.for("cdk8s-homelab.HomelabApp")]: true };
    expect(HomelabApp.isHomelabApp(foreign)).toBe(true);
    expect(Layer.isLayer({ [Symbol.for("cdk8s-homelab.Layer")]: true })).toBe(true);
    expect(Homelab.isHomelab({ [Symbol.for("cdk8s-homelab.Homelab")]: true })).toBe(true);
    expect(HomelabApp.isHomelabApp(new App())).toBe(false);
    expect(Layer.isLayer(new Chart(app, "other"))).toBe(false);
    expect(Homelab.isHomelab({ name: "homelab" })).toBe(false);
  });
});
