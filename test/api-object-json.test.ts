/**
 * lib/k8s/api-object-json.ts computes `ApiObject.toJson()` in one walk. Its promise is that the
 * result is the same value with the same key order, always: on every object of the fixture labs,
 * and on the cases it must hand back to cdk8s (class instances, implicit tokens, patches, custom
 * resolvers, a subclass's own toJson).
 */
import { ApiObject, App, Chart, JsonPatch, Lazy, type IResolver, type ResolutionContext } from "cdk8s";
import { k8s } from "cdk8s-plus-30";
import { describe, expect, it } from "vitest";
import { Cluster } from "../imports/postgresql.cnpg.io.js";
import { apiObjectRenderer } from "../lib/k8s/api-object-json.js";
import { HomelabApp } from "../lib/k8s/homelab-app.js";
import { prepare } from "../lib/k8s/render.js";
import { Homelab, type HomelabSpec } from "../lib/model/index.js";
import { homelab as fixtureSpec } from "./fixtures/lab/homelab.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";
import { monitoringKubernetes, monitoringSpec } from "./fixtures/monitoring-lab.js";
import { nixlabKubernetes, nixlabSpec } from "./fixtures/nixlab-lab.js";
import { smallKubernetes, smallSpec } from "./fixtures/small-lab.js";

/** Same value and same key order at every level. */
function same(obj: ApiObject, render: (o: ApiObject) => unknown): void {
  expect(JSON.stringify(render(obj)), obj.node.path).toBe(JSON.stringify(obj.toJson()));
}

function objectsOf(spec: HomelabSpec, kubernetes: (app: HomelabApp) => void): { app: HomelabApp; objs: ApiObject[] } {
  const { homelab, problems } = Homelab.validate(spec);
  if (homelab === undefined) throw new Error(JSON.stringify(problems));
  const app = new HomelabApp(homelab);
  kubernetes(app);
  prepare(app);
  return { app, objs: app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject) };
}

describe("apiObjectRenderer", () => {
  it.each([
    ["the fixture lab", fixtureSpec, defineKubernetes],
    ["the monitoring lab", monitoringSpec, monitoringKubernetes()],
    ["the nixlab lab", nixlabSpec, nixlabKubernetes],
    ["the small lab", smallSpec, smallKubernetes],
  ] as const)("gives what toJson gives for every object of %s", (_name, spec, kubernetes) => {
    const { app, objs } = objectsOf(spec, kubernetes);
    const render = apiObjectRenderer(app);
    expect(objs.length).toBeGreaterThan(5);
    // Both kinds of object are covered: cdk8s-plus's L1 classes, our imports' and plain ApiObjects.
    expect(objs.some((o) => o instanceof k8s.KubeDeployment)).toBe(true);
    expect(objs.some((o) => Object.getPrototypeOf(o) === ApiObject.prototype)).toBe(true);
    for (const o of objs) same(o, render);
  });

  function chart(app = new App()): Chart {
    return new Chart(app, "c", { namespace: "ns", labels: { team: "a" } });
  }

  it("resolves Lazy values, union values (IntOrString, Quantity) and nested nulls as cdk8s does", () => {
    const c = chart();
    const render = apiObjectRenderer(App.of(c));
    const lazyObj = new ApiObject(c, "lazy", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { annotations: {}, labels: { z: "1", a: Lazy.any({ produce: () => "2" }) } },
      data: Lazy.any({ produce: () => ({ b: "x", a: null, c: Lazy.any({ produce: () => undefined }) }) }),
      list: [null, 1, { z: 1, a: [] }, {}],
      zero: 0,
      no: false,
      empty: "",
    });
    same(lazyObj, render);
    expect((render(lazyObj) as { metadata: unknown }).metadata).toEqual({
      labels: { a: "2", team: "a", z: "1" },
      name: "c-lazy-c8c5f09e",
      namespace: "ns",
    });
    const svc = new k8s.KubeService(c, "svc", {
      spec: { ports: [{ port: 80, targetPort: k8s.IntOrString.fromString("http") }] },
    });
    const pvc = new k8s.KubePersistentVolumeClaim(c, "pvc", {
      spec: { resources: { requests: { storage: k8s.Quantity.fromString("1Gi") } } },
    });
    same(svc, render);
    same(pvc, render);
    expect((render(svc) as { spec: { ports: unknown } }).spec.ports).toEqual([{ port: 80, targetPort: "http" }]);
    const cluster = new Cluster(c, "db", { metadata: {}, spec: { instances: 1, storage: { size: "1Gi" } } });
    same(cluster, render);
  });

  it("hands back to cdk8s what only cdk8s can resolve, with the same result", () => {
    const c = chart();
    const render = apiObjectRenderer(App.of(c));
    const token = { resolve: () => ({ b: 1, a: 2 }) };
    const patched = new ApiObject(c, "patched", { apiVersion: "v1", kind: "ConfigMap", data: { a: "1" } });
    patched.addJsonPatch(JsonPatch.add("/data/b", "2"));
    class Sub extends k8s.KubeConfigMap {
      override toJson(): unknown {
        return { ...(super.toJson() as object), extra: true };
      }
    }
    const cases = [
      new ApiObject(c, "token", { apiVersion: "v1", kind: "ConfigMap", data: token }),
      patched,
      new Sub(c, "sub", { data: { a: "1" } }),
    ];
    for (const o of cases) same(o, render);
    expect((render(cases[1]!) as { data: unknown }).data).toEqual({ a: "1", b: "2" });
    expect((render(cases[2]!) as { extra?: boolean }).extra).toBe(true);
  });

  it("fails as toJson fails on a value cdk8s cannot render", () => {
    const c = chart();
    const render = apiObjectRenderer(App.of(c));
    const o = new ApiObject(c, "date", { apiVersion: "v1", kind: "ConfigMap", data: { when: new Date(0) } });
    expect(() => o.toJson()).toThrow(/non-simple object/);
    expect(() => render(o)).toThrow(/non-simple object/);
  });

  it("follows an App's own resolvers", () => {
    class Upper implements IResolver {
      resolve(context: ResolutionContext): void {
        if (typeof context.value === "string" && context.value.startsWith("up:")) {
          context.replaceValue(context.value.slice(3).toUpperCase());
        }
      }
    }
    const c = chart(new App({ resolvers: [new Upper()] }));
    const render = apiObjectRenderer(App.of(c));
    const o = new ApiObject(c, "up", { apiVersion: "v1", kind: "ConfigMap", data: { a: "up:loud" } });
    same(o, render);
    expect((render(o) as { data: unknown }).data).toEqual({ a: "LOUD" });
  });
});
