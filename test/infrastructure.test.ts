/**
 * The infrastructure construct-set, tested the way a user's own test would: build a
 * HomelabApp from the fixture lab (test/fixtures/lab/homelab.ts), add `addInfrastructure(app)`,
 * render it with the library's renderer and assert on the manifests; per-construct
 * checks synthesize single layers with cdk8s's Testing helpers.
 *
 * Schema validation of the output is tested elsewhere (test/schemas.test.ts,
 * test/dist-schemas.test.ts); these tests state the properties that matter.
 */
import { Testing } from "cdk8s";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { homelab } from "./fixtures/lab/homelab.js";
import { HomelabApp } from "../lib/k8s/homelab-app.js";
import { ConstructValidationError, renderKubernetes } from "../lib/k8s/render.js";
import {
  CHARTS,
  CLUSTER_ISSUER_NAME,
  HelmApp,
  METALLB_POOL_NAME,
  addInfrastructure,
  ingressClassName,
  type InfrastructureProps,
} from "../lib/k8s/infrastructure/index.js";
import { Homelab, type HomelabSpec } from "../lib/model/index.js";
import { renderLab } from "./helpers/lab.js";

type Doc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
};

const CONTROLLERS = "dist/infrastructure/controllers";
const CONFIGS = "dist/infrastructure/configs";
const STORAGE = "dist/infrastructure/storage";
const ADDONS = "dist/infrastructure/addons";
/** Every folder a controller is installed in: core networking, storage, add-ons. */
const CONTROLLER_DIRS = [CONTROLLERS, STORAGE, ADDONS];

/** The file of a controller unit: core networking, storage or add-on. */
function fileOf(unit: string): string {
  if (["longhorn", "cloudnative-pg"].includes(unit)) return `${STORAGE}/${unit}.yaml`;
  if (["external-dns", "pihole"].includes(unit)) return `${ADDONS}/${unit}.yaml`;
  return `${CONTROLLERS}/${unit}.yaml`;
}

/** A variant of the fixture lab. */
function spec(change: (s: HomelabSpec) => HomelabSpec = (s) => s): HomelabSpec {
  return change(structuredClone(homelab) as HomelabSpec);
}

function withKubernetes(s: HomelabSpec, k: Partial<NonNullable<HomelabSpec["kubernetes"]>>): HomelabSpec {
  return { ...s, kubernetes: { ...s.kubernetes!, ...k } };
}

function withReservations(s: HomelabSpec, ips: Record<string, string>): HomelabSpec {
  return { ...s, network: { ...s.network, loadBalancerIps: ips } };
}

function build(s: HomelabSpec = spec(), props?: InfrastructureProps) {
  const lab = Homelab.create(s);
  const app = new HomelabApp(lab);
  const infra = addInfrastructure(app, props);
  return { lab, app, infra };
}

/** Renders a lab: its files, every document per file, and the renderer's warnings. */
function render(s: HomelabSpec = spec(), props?: InfrastructureProps) {
  const { lab, app, infra } = build(s, props);
  const { files, warnings } = renderKubernetes(app);
  const docs = new Map<string, Doc[]>();
  for (const [path, text] of files)
    docs.set(
      path,
      parseAllDocuments(text).map((d) => d.toJS() as Doc),
    );
  const file = (path: string): Doc[] => {
    const found = docs.get(path);
    if (found === undefined) throw new Error(`${path} was not rendered; files: ${[...docs.keys()].join(", ")}`);
    return found;
  };
  const one = (path: string, kind: string, name?: string): Doc => {
    const matches = file(path).filter((d) => d.kind === kind && (name === undefined || d.metadata.name === name));
    expect(matches, `${kind} ${name ?? ""} in ${path}`).toHaveLength(1);
    return matches[0]!;
  };
  const under = (dir: string): Doc[] =>
    [...docs.entries()]
      .filter(([p]) => p.startsWith(`${dir}/`) && !p.endsWith("kustomization.yaml"))
      .flatMap(([, d]) => d);
  return { lab, app, infra, files, docs, file, one, under, warnings };
}

/** The HelmRelease of a controller unit. */
function release(r: ReturnType<typeof render>, unit: string): Doc {
  return r.one(fileOf(unit), "HelmRelease", unit);
}

const example = render();

describe("Infrastructure: layout", () => {
  it("writes one file per controller and per config unit, plus the namespaces", () => {
    const files = [...example.files.keys()].filter((p) => p.startsWith("dist/infrastructure/")).sort();
    expect(files).toEqual([
      `${ADDONS}/external-dns.yaml`,
      `${ADDONS}/kustomization.yaml`,
      `${ADDONS}/namespaces.yaml`,
      `${ADDONS}/pihole.yaml`,
      `${CONFIGS}/cert-manager-config.yaml`,
      `${CONFIGS}/kustomization.yaml`,
      `${CONFIGS}/metallb-config.yaml`,
      `${CONTROLLERS}/cert-manager.yaml`,
      `${CONTROLLERS}/kustomization.yaml`,
      `${CONTROLLERS}/metallb.yaml`,
      `${CONTROLLERS}/namespaces.yaml`,
      `${CONTROLLERS}/traefik.yaml`,
      `${STORAGE}/cloudnative-pg.yaml`,
      `${STORAGE}/kustomization.yaml`,
      `${STORAGE}/longhorn.yaml`,
      `${STORAGE}/namespaces.yaml`,
    ]);
  });

  it("every controller unit is a Flux source and a helm.toolkit.fluxcd.io/v2 HelmRelease of the same name, in one namespace", () => {
    for (const unit of ["metallb", "cert-manager", "traefik", "external-dns", "longhorn", "cloudnative-pg", "pihole"]) {
      // Pi-hole's unit also holds its namespace's NetworkPolicies (test/network-policies.test.ts).
      const docs = example.file(fileOf(unit)).filter((d) => d.kind !== "NetworkPolicy");
      expect(docs.map((d) => `${d.apiVersion} ${d.kind}`).sort(), unit).toEqual(
        unit === "cert-manager"
          ? ["helm.toolkit.fluxcd.io/v2 HelmRelease", "source.toolkit.fluxcd.io/v1 OCIRepository"]
          : ["helm.toolkit.fluxcd.io/v2 HelmRelease", "source.toolkit.fluxcd.io/v1 HelmRepository"],
      );
      for (const d of docs) expect(d.metadata.name, unit).toBe(unit);
      expect(new Set(docs.map((d) => d.metadata.namespace)).size, unit).toBe(1);
    }
  });

  it("no custom resource sits in a controllers folder and no HelmRelease in the configs folder", () => {
    const controllerKinds = new Set(
      CONTROLLER_DIRS.flatMap((dir) => example.under(dir)).map((d) => `${d.apiVersion.split("/")[0]} ${d.kind}`),
    );
    expect([...controllerKinds].sort()).toEqual([
      "helm.toolkit.fluxcd.io HelmRelease",
      "networking.k8s.io NetworkPolicy",
      "source.toolkit.fluxcd.io HelmRepository",
      "source.toolkit.fluxcd.io OCIRepository",
      "v1 Namespace",
    ]);
    const configKinds = example.under(CONFIGS).map((d) => `${d.apiVersion} ${d.kind}`);
    expect(configKinds.sort()).toEqual([
      "cert-manager.io/v1 ClusterIssuer",
      "metallb.io/v1beta1 IPAddressPool",
      "metallb.io/v1beta1 L2Advertisement",
    ]);
  });

  it("the configs layer is applied after the controllers layer (Flux dependsOn)", () => {
    const ks = example.file("dist/bootstrap/layers.yaml").filter((d) => d.kind === "Kustomization");
    const configs = ks.find((k) => k.spec.path.endsWith("infrastructure/configs"));
    expect(configs?.spec.dependsOn).toEqual([{ name: "infra-controllers" }]);
  });

  it("core networking waits for no optional controller, the apps wait for storage but not for the add-ons", () => {
    // The fixture lab with its apps (Nextcloud), so every layer is there.
    const layers = parseAllDocuments(renderLab().get("dist/bootstrap/layers.yaml")!).map((d) => d.toJS() as Doc);
    const ks = layers.filter((d) => d.kind === "Kustomization");
    const deps = Object.fromEntries(
      ks.map((k) => [k.metadata.name, (k.spec.dependsOn ?? []).map((d: { name: string }) => d.name)]),
    );
    expect(deps).toEqual({
      "infra-controllers": [],
      "infra-configs": ["infra-controllers"],
      "infra-storage": [],
      "infra-addons": ["infra-configs"],
      apps: ["infra-configs", "infra-storage"],
    });
    // Transitively: nothing waits for the add-ons, and core networking waits for nothing.
    const waitsFor = (name: string): string[] => deps[name].flatMap((d: string) => [d, ...waitsFor(d)]);
    for (const name of Object.keys(deps)) expect(waitsFor(name), name).not.toContain("infra-addons");
    expect(waitsFor("infra-configs")).toEqual(["infra-controllers"]);
    expect(
      example
        .under(CONTROLLERS)
        .filter((d) => d.kind === "HelmRelease")
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(["cert-manager", "metallb", "traefik"]);
  });

  it("each layer's timeout outlasts its slowest HelmRelease (Longhorn's 10m), and is never under 5m", () => {
    const ks = example.file("dist/bootstrap/layers.yaml").filter((d) => d.kind === "Kustomization");
    const minutes = (t: string): number => {
      const m = /^(\d+)m$/.exec(t);
      if (m === null) throw new Error(`unexpected duration ${t}`);
      return Number(m[1]);
    };
    for (const k of ks) {
      const dir = `dist/${k.spec.path.replace(/^\.\/dist\//, "")}`;
      const releases = example.under(dir).filter((d) => d.kind === "HelmRelease");
      const slowest = Math.max(0, ...releases.map((r) => minutes(r.spec.timeout ?? "5m")));
      expect(minutes(k.spec.timeout), k.metadata.name).toBeGreaterThan(slowest);
      expect(minutes(k.spec.timeout), k.metadata.name).toBeGreaterThanOrEqual(5);
    }
    expect(release(example, "longhorn").spec.timeout).toBe("10m");
    expect(ks.find((k) => k.metadata.name === "infra-storage")!.spec.timeout).toBe("11m");
  });

  it("names are stable and readable, and rendering twice gives the same bytes", () => {
    for (const d of [...CONTROLLER_DIRS, CONFIGS].flatMap((dir) => example.under(dir))) {
      expect(d.metadata.name).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
      expect(d.metadata.name).not.toMatch(/-[0-9a-f]{8}$/);
    }
    expect(render().files).toEqual(example.files);
  });
});

describe("Infrastructure: namespaces and Pod Security", () => {
  const levels = Object.fromEntries(
    CONTROLLER_DIRS.flatMap((dir) => example.file(`${dir}/namespaces.yaml`)).map((n) => [
      n.metadata.name,
      n.metadata.labels?.["pod-security.kubernetes.io/enforce"],
    ]),
  );

  it("labels each namespace with the level its controller needs", () => {
    expect(levels).toEqual({
      "cert-manager": "restricted",
      "cnpg-system": "restricted",
      "external-dns": "restricted",
      "longhorn-system": "privileged",
      "metallb-system": "privileged",
      pihole: "baseline",
      traefik: "restricted",
    });
  });

  it("every namespaced object of the infrastructure lives in a namespace that is created", () => {
    for (const d of [...CONTROLLER_DIRS, CONFIGS].flatMap((dir) => example.under(dir))) {
      if (d.kind === "Namespace" || d.kind === "ClusterIssuer") continue;
      expect(Object.keys(levels), `${d.kind} ${d.metadata.name}`).toContain(d.metadata.namespace);
    }
  });
});

describe("Infrastructure: HelmReleases", () => {
  it("pins every chart to one exact version from its upstream source", () => {
    const pinned = /^v?\d+\.\d+\.\d+$/;
    for (const unit of ["metallb", "traefik", "external-dns", "longhorn", "cloudnative-pg", "pihole"]) {
      const r = release(example, unit);
      expect(r.spec.chartRef, unit).toBeUndefined();
      expect(r.spec.chart.spec.version, unit).toMatch(pinned);
      expect(r.spec.chart.spec.sourceRef, unit).toEqual({ kind: "HelmRepository", name: unit });
      const repo = example.one(fileOf(unit), "HelmRepository");
      expect(repo.spec.url, unit).toMatch(/^https:\/\//);
      expect(repo.spec.type, unit).toBeUndefined();
    }
    expect(release(example, "metallb").spec.chart.spec).toMatchObject({ chart: "metallb", version: "0.16.1" });
    expect(example.one(`${CONTROLLERS}/metallb.yaml`, "HelmRepository").spec.url).toBe(
      "https://metallb.github.io/metallb",
    );
    expect(release(example, "cloudnative-pg").spec.chart.spec).toMatchObject({
      chart: "cloudnative-pg",
      version: "0.29.0",
    });

    const cm = release(example, "cert-manager");
    expect(cm.spec.chart).toBeUndefined();
    expect(cm.spec.chartRef).toEqual({ kind: "OCIRepository", name: "cert-manager" });
    const oci = example.one(`${CONTROLLERS}/cert-manager.yaml`, "OCIRepository");
    expect(oci.spec.url).toBe("oci://quay.io/jetstack/charts/cert-manager");
    expect(oci.spec.ref).toEqual({ tag: "v1.21.1" });
    expect(oci.spec.layerSelector).toEqual({
      mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
      operation: "copy",
    });
  });

  it("creates and replaces CRDs for the charts that ship them, retries failed installs, reconciles at the lab's interval", () => {
    // external-dns ships its DNSEndpoint CRD in the chart's crds/ folder.
    const withCrds = ["metallb", "cert-manager", "traefik", "external-dns", "longhorn", "cloudnative-pg"];
    for (const unit of [...withCrds, "pihole"]) {
      const r = release(example, unit);
      expect(r.spec.interval, unit).toBe(example.lab.kubernetes.flux.interval);
      // Retried until it works (a SOPS Secret that appears later), never Stalled after a fixed count.
      expect(r.spec.install.strategy, unit).toEqual({ name: "RetryOnFailure", retryInterval: "2m" });
      expect(r.spec.upgrade.strategy, unit).toEqual({ name: "RetryOnFailure", retryInterval: "2m" });
      expect(r.spec.install.remediation, unit).toBeUndefined();
      const crds = withCrds.includes(unit) ? "CreateReplace" : undefined;
      expect(r.spec.install.crds, unit).toBe(crds);
      expect(r.spec.upgrade.crds, unit).toBe(crds);
    }
    expect(release(example, "cert-manager").spec.values.crds).toEqual({ enabled: true, keep: true });
  });

  it("sets homelab-sized requests and a memory limit, never a CPU limit", () => {
    const resources: { path: string; value: any }[] = [];
    const walk = (v: unknown, path: string): void => {
      if (v === null || typeof v !== "object") return;
      for (const [k, child] of Object.entries(v)) {
        if (k === "resources") resources.push({ path: `${path}.${k}`, value: child });
        walk(child, `${path}.${k}`);
      }
    };
    for (const unit of ["metallb", "cert-manager", "traefik", "external-dns", "longhorn", "cloudnative-pg", "pihole"]) {
      walk(release(example, unit).spec.values, unit);
    }
    expect(resources.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        "metallb.controller.resources",
        "metallb.speaker.resources",
        "cert-manager.resources",
        "cert-manager.webhook.resources",
        "cert-manager.cainjector.resources",
        "traefik.resources",
        "external-dns.resources",
        "longhorn.longhornManager.resources",
        "cloudnative-pg.resources",
        "pihole.resources",
      ]),
    );
    for (const { path, value } of resources) {
      expect(value.limits?.cpu, path).toBeUndefined();
      expect(value.limits?.memory, path).toMatch(/^\d+Mi$/);
      expect(parseInt(value.requests.cpu, 10), path).toBeLessThanOrEqual(100);
      expect(parseInt(value.requests.memory, 10), path).toBeLessThanOrEqual(256);
    }
  });

  it("every chart version can be overridden, and an unpinned version is an error", () => {
    const r = render(spec(), { metallb: { version: "0.15.3" }, pihole: { version: "2.37.0" } });
    expect(release(r, "metallb").spec.chart.spec.version).toBe("0.15.3");
    expect(release(r, "pihole").spec.chart.spec.version).toBe("2.37.0");
    const cm = render(spec(), { certManager: { version: "v1.21.0" } });
    expect(cm.one(`${CONTROLLERS}/cert-manager.yaml`, "OCIRepository").spec.ref).toEqual({ tag: "v1.21.0" });

    const { app } = build(spec(), { longhorn: { version: "1.12.x" } });
    expect(() => renderKubernetes(app)).toThrow(ConstructValidationError);
    const { app: app2 } = build(spec(), { longhorn: { version: "1.12.x" } });
    expect(() => renderKubernetes(app2)).toThrow(/storage\/longhorn\].*chart version "1\.12\.x" is not pinned/);
  });

  it("merges user values over the library's, the way Helm merges values files", () => {
    const r = render(spec(), {
      cloudnativePg: {
        values: {
          replicaCount: 2,
          resources: { requests: { memory: "256Mi" } },
          monitoring: { podMonitorEnabled: true },
        },
      },
    });
    const values = release(r, "cloudnative-pg").spec.values;
    expect(values.replicaCount).toBe(2);
    expect(values.monitoring).toEqual({ podMonitorEnabled: true });
    expect(values.resources).toEqual({ requests: { cpu: "50m", memory: "256Mi" }, limits: { memory: "512Mi" } });
    expect(values.crds).toEqual({ create: true });
  });
});

describe("Infrastructure: MetalLB", () => {
  it("installs MetalLB for L2 announcements only", () => {
    const values = release(example, "metallb").spec.values;
    expect(values.frrk8s).toEqual({ enabled: false });
    expect(values.speaker.frr).toEqual({ enabled: false });
    expect(values.crds).toEqual({ enabled: true });
  });

  it("the address pool is the model's pool, handed out only by reservation, and announced over L2", () => {
    const pool = example.one(`${CONFIGS}/metallb-config.yaml`, "IPAddressPool");
    expect(pool.metadata).toMatchObject({ name: METALLB_POOL_NAME, namespace: "metallb-system" });
    expect(pool.spec.addresses).toEqual(example.lab.metallbPool.map((r) => r.toString()));
    expect(pool.spec.addresses).toEqual(["192.168.1.200-192.168.1.220"]);
    expect(pool.spec.autoAssign).toBe(false);
    const l2 = example.one(`${CONFIGS}/metallb-config.yaml`, "L2Advertisement");
    expect(l2.metadata.namespace).toBe("metallb-system");
    expect(l2.spec.ipAddressPools).toEqual([METALLB_POOL_NAME]);
  });

  it("a pool of several ranges or a CIDR block in the model becomes the pool's addresses", () => {
    const r = render(
      spec((s) => ({
        ...s,
        network: { ...s.network, metallbPool: ["192.168.1.200-192.168.1.205", "192.168.1.224/28"] },
      })),
    );
    expect(r.one(`${CONFIGS}/metallb-config.yaml`, "IPAddressPool").spec.addresses).toEqual([
      "192.168.1.200-192.168.1.205",
      "192.168.1.224-192.168.1.239",
    ]);
  });

  it("automatic assignment can be turned on", () => {
    const { app } = build(spec(), { metallbAutoAssign: true });
    const pool = Testing.synth(app.configs).find((d: Doc) => d.kind === "IPAddressPool");
    expect(pool.spec.autoAssign).toBe(true);
  });
});

describe("Infrastructure: cert-manager and the ClusterIssuer", () => {
  it("the ClusterIssuer takes its e-mail, ACME server and Cloudflare token Secret from the model", () => {
    const issuer = example.one(`${CONFIGS}/cert-manager-config.yaml`, "ClusterIssuer");
    expect(issuer.apiVersion).toBe("cert-manager.io/v1");
    expect(issuer.metadata.name).toBe(CLUSTER_ISSUER_NAME);
    expect(issuer.metadata.namespace).toBeUndefined();
    const acme = issuer.spec.acme;
    expect(acme.email).toBe(example.lab.kubernetes.certificates.acmeEmail);
    expect(acme.server).toBe("https://acme-v02.api.letsencrypt.org/directory");
    expect(acme.solvers).toEqual([
      {
        selector: { dnsZones: [example.lab.domain] },
        dns01: { cloudflare: { apiTokenSecretRef: { name: "cloudflare-api-token", key: "api-token" } } },
      },
    ]);
  });

  it("follows the model: staging server, another e-mail, another Secret name", () => {
    const r = render(
      spec((s) =>
        withKubernetes(s, {
          certificates: { acmeEmail: "ops@example.org", acmeServer: "staging", cloudflareApiTokenSecret: "cf-token" },
        }),
      ),
    );
    const acme = r.one(`${CONFIGS}/cert-manager-config.yaml`, "ClusterIssuer").spec.acme;
    expect(acme.server).toBe("https://acme-staging-v02.api.letsencrypt.org/directory");
    expect(acme.email).toBe("ops@example.org");
    expect(acme.privateKeySecretRef.name).toBe("letsencrypt-staging-account-key");
    expect(acme.solvers[0].dns01.cloudflare.apiTokenSecretRef).toEqual({ name: "cf-token", key: "api-token" });
    expect(release(r, "external-dns").spec.values.env[0].valueFrom.secretKeyRef).toEqual({
      name: "cf-token",
      key: "api-token",
    });
    expect(r.app.configs.secrets.map((s) => `${s.namespace}/${s.name}`)).toEqual(["cert-manager/cf-token"]);
  });

  it("DNS-01 propagation checks ask the model's upstream resolvers", () => {
    const values = release(example, "cert-manager").spec.values;
    expect(values.dns01RecursiveNameservers).toBe("1.1.1.1:53,9.9.9.9:53");
    expect(values.dns01RecursiveNameserversOnly).toBe(true);
  });
});

describe("Infrastructure: the ingress controller", () => {
  it("Traefik's Service asks MetalLB for the model's `ingress` reservation; its IngressClass is the default", () => {
    const values = release(example, "traefik").spec.values;
    expect(values.service.annotations["metallb.io/loadBalancerIPs"]).toBe(
      example.lab.loadBalancerIp("ingress").toString(),
    );
    expect(values.service.annotations["metallb.io/loadBalancerIPs"]).toBe("192.168.1.202");
    expect(values.ingressClass).toEqual({ enabled: true, isDefaultClass: true, name: "traefik" });
    expect(example.infra.ingressClassName).toBe(ingressClassName(example.lab));
    expect(example.one(`${CONTROLLERS}/traefik.yaml`, "HelmRepository").spec.url).toBe(
      "https://traefik.github.io/charts",
    );
    expect(release(example, "traefik").spec.chart.spec).toMatchObject({
      chart: "traefik",
      version: CHARTS.traefik.version,
    });
    // Never wait for the external IP: the pool is applied by the next layer.
    expect(release(example, "traefik").spec.waitStrategy).toEqual({ name: "poller" });
  });

  it("ingress-nginx in the model swaps the chart, the Service annotation path and the IngressClass", () => {
    const r = render(spec((s) => withKubernetes(s, { ingressController: "ingress-nginx" })));
    expect(r.docs.has(`${CONTROLLERS}/traefik.yaml`)).toBe(false);
    const nginx = release(r, "ingress-nginx");
    expect(nginx.metadata.namespace).toBe("ingress-nginx");
    expect(nginx.spec.chart.spec).toMatchObject({ chart: "ingress-nginx", version: "4.15.1" });
    expect(r.one(`${CONTROLLERS}/ingress-nginx.yaml`, "HelmRepository").spec.url).toBe(
      "https://kubernetes.github.io/ingress-nginx",
    );
    const controller = nginx.spec.values.controller;
    expect(controller.service.annotations["metallb.io/loadBalancerIPs"]).toBe(
      r.lab.loadBalancerIp("ingress").toString(),
    );
    expect(controller.ingressClassResource).toMatchObject({ name: "ingress-nginx", default: true, enabled: true });
    expect(controller.ingressClass).toBe("ingress-nginx");
    expect(release(r, "pihole").spec.values.ingress.ingressClassName).toBe("ingress-nginx");
    expect(r.infra.ingressClassName).toBe("ingress-nginx");
    expect(
      r.one(`${CONTROLLERS}/namespaces.yaml`, "Namespace", "ingress-nginx").metadata.labels?.[
        "pod-security.kubernetes.io/enforce"
      ],
    ).toBe("restricted");
  });

  it("changing the reservation in the model changes the output", () => {
    const r = render(spec((s) => withReservations(s, { ...s.network.loadBalancerIps, ingress: "192.168.1.210" })));
    expect(release(r, "traefik").spec.values.service.annotations["metallb.io/loadBalancerIPs"]).toBe("192.168.1.210");
    const diff = [...r.files.keys()].filter((p) => r.files.get(p) !== example.files.get(p));
    expect(diff).toEqual([`${CONTROLLERS}/traefik.yaml`]);
  });

  it("a missing `ingress` reservation is an error naming the path to add", () => {
    const { app } = build(spec((s) => withReservations(s, { pihole: "192.168.1.200", wireguard: "192.168.1.201" })));
    expect(() => renderKubernetes(app)).toThrow(
      /\[controllers\/traefik\] network\.loadBalancerIps\.ingress is missing/,
    );
  });
});

describe("Infrastructure: external-dns", () => {
  it("manages the model's DNS zone on Cloudflare, in sync, as the lab's owner id, with the token from the model's Secret", () => {
    const values = release(example, "external-dns").spec.values;
    // The Cloudflare provider drops zones the filter does not match: the filter is the zone (example.com),
    // not the lab's domain (home.example.com), or nothing would be published.
    expect(example.lab.domain).toBe("home.example.com");
    expect(values.domainFilters).toEqual(["example.com"]);
    expect(values.domainFilters).toEqual([example.lab.kubernetes.dns.zone]);
    expect(values.provider).toEqual({ name: "cloudflare" });
    expect(values.policy).toBe("sync");
    expect(values.txtOwnerId).toBe(example.lab.name);
    expect(values.env).toEqual([
      {
        name: "CF_API_TOKEN",
        valueFrom: {
          secretKeyRef: { name: example.lab.kubernetes.certificates.cloudflareApiTokenSecret, key: "api-token" },
        },
      },
    ]);
  });

  it("asks for a token that may edit the zone's records and read its zones", () => {
    for (const secret of [...example.app.addons.secrets, ...example.app.configs.secrets]) {
      if (secret.name !== "cloudflare-api-token") continue;
      expect(secret.purpose, secret.namespace).toContain("Zone:DNS:Edit and Zone:Zone:Read");
    }
    expect(example.warnings.join("\n")).toContain("Zone:DNS:Edit and Zone:Zone:Read");
  });

  it("is left out when the model publishes no records, and its Secret is no longer expected", () => {
    const r = render(spec((s) => ({ ...s, kubernetes: { ...s.kubernetes!, dns: { publish: false } } })));
    expect(r.docs.has(`${ADDONS}/external-dns.yaml`)).toBe(false);
    expect(r.infra.externalDns).toBeUndefined();
    expect(r.app.addons.secrets.map((x) => `${x.namespace}/${x.name}`)).toEqual(["pihole/pihole-admin"]);
  });

  it("follows the model's domain (the zone defaults to it)", () => {
    const r = render(
      spec((s) => ({
        ...s,
        network: { ...s.network, domain: "lab.example.net" },
        kubernetes: { ...s.kubernetes!, dns: undefined },
      })),
    );
    expect(release(r, "external-dns").spec.values.domainFilters).toEqual(["lab.example.net"]);
    expect(
      r.one(`${CONFIGS}/cert-manager-config.yaml`, "ClusterIssuer").spec.acme.solvers[0].selector.dnsZones,
    ).toEqual(["lab.example.net"]);
    expect(release(r, "pihole").spec.values.ingress.hosts).toEqual(["pihole.lab.example.net"]);
  });
});

describe("Infrastructure: Secrets the user provides", () => {
  it("each layer expects the Secrets its workloads read, and synth says how to create them", () => {
    expect(example.app.controllers.secrets).toEqual([]);
    expect(example.app.addons.secrets.map((s) => `${s.namespace}/${s.name}`)).toEqual([
      "external-dns/cloudflare-api-token",
      "pihole/pihole-admin",
    ]);
    expect(example.app.configs.secrets.map((s) => `${s.namespace}/${s.name}`)).toEqual([
      "cert-manager/cloudflare-api-token",
    ]);
    expect(example.warnings.join("\n")).toMatch(
      /cert-manager\/cloudflare-api-token: .*\n {4}-> apps\/secrets\/cert-manager-cloudflare-api-token.sops.yaml \(carried into dist\/infrastructure\/configs\/\)/,
    );
    expect(example.warnings.join("\n")).toMatch(
      /pihole\/pihole-admin: .*\n {4}-> apps\/secrets\/pihole-pihole-admin.sops.yaml \(carried into dist\/infrastructure\/addons\/\)/,
    );
    const layers = example.file("dist/bootstrap/layers.yaml");
    // The layers that carry SOPS files decrypt them; the others need no key.
    const decrypting = layers.filter((d) => d.spec.decryption !== undefined).map((d) => d.metadata.name);
    expect(decrypting.sort()).toEqual(["infra-addons", "infra-configs"]);
    for (const k of layers.filter((d) => decrypting.includes(d.metadata.name))) {
      expect(k.spec.decryption, k.metadata.name).toEqual({ provider: "sops", secretRef: { name: "sops-age" } });
    }
  });

  it("no Secret is written in plain text", () => {
    expect([...example.under(CONTROLLERS), ...example.under(CONFIGS)].filter((d) => d.kind === "Secret")).toEqual([]);
  });
});

describe("Infrastructure: Longhorn", () => {
  it("stores data at the hosts' Longhorn mount point, replicates on up to 3 disk hosts, is the default class per the model", () => {
    const values = release(example, "longhorn").spec.values;
    expect(release(example, "longhorn").metadata.namespace).toBe("longhorn-system");
    expect(values.defaultSettings.defaultDataPath).toBe("/var/lib/longhorn");
    expect(values.persistence).toEqual({ defaultClass: true, defaultClassReplicaCount: 2 });
  });

  it("follows the model: custom mount point, more disk hosts, another storage class", () => {
    const hosts = (_s: HomelabSpec) =>
      [1, 2, 3, 4].map((i) => ({
        hostname: `node${i}`,
        address: `192.168.1.${10 + i}`,
        disk: { device: "/dev/nvme0n1", longhorn: { device: "/dev/sda", mountPoint: "/mnt/longhorn" } },
        roles: i === 1 ? ["minimal-node", "k3s-server"] : ["minimal-node", "k3s-agent"],
        ...(i === 1 ? { clusterInit: true } : {}),
      })) satisfies HomelabSpec["hosts"];
    const r = render(spec((s) => withKubernetes({ ...s, hosts: hosts(s) }, { storageClass: "local-path" })));
    const values = release(r, "longhorn").spec.values;
    expect(values.defaultSettings.defaultDataPath).toBe("/mnt/longhorn");
    expect(values.persistence).toEqual({ defaultClass: false, defaultClassReplicaCount: 3 });
  });

  it("without Longhorn disks, replicas follow the k3s nodes and the chart's default data path is kept", () => {
    const noDisks = (s: HomelabSpec): HomelabSpec => ({
      ...s,
      hosts: s.hosts.slice(0, 1).map((h) => ({ ...h, disk: { device: "/dev/nvme0n1" } })),
    });
    const values = release(render(spec(noDisks)), "longhorn").spec.values;
    expect(values.defaultSettings).toBeUndefined();
    expect(values.persistence.defaultClassReplicaCount).toBe(1);
  });

  it("different Longhorn mount points on different hosts are an error naming them", () => {
    const { app } = build(
      spec((s) => ({
        ...s,
        hosts: s.hosts.map((h) =>
          h.hostname === "node3"
            ? { ...h, disk: { device: "/dev/mmcblk0", longhorn: { device: "/dev/sda", mountPoint: "/data" } } }
            : h,
        ),
      })),
    );
    expect(() => renderKubernetes(app)).toThrow(
      /hosts\.node2\.disk\.longhorn\.mountPoint = "\/var\/lib\/longhorn", hosts\.node3\.disk\.longhorn\.mountPoint = "\/data"/,
    );
  });

  it("can be left out", () => {
    const r = render(spec(), { longhorn: false });
    expect(r.docs.has(`${CONTROLLERS}/longhorn.yaml`)).toBe(false);
    expect(r.infra.longhorn).toBeUndefined();
    expect(r.file(`${STORAGE}/namespaces.yaml`).map((n) => n.metadata.name)).not.toContain("longhorn-system");
  });
});

describe("Infrastructure: CloudNativePG", () => {
  it("installs the operator chart that ships operator 1.30.0, with its CRDs, in a restricted namespace", () => {
    const r = release(example, "cloudnative-pg");
    expect(r.metadata.namespace).toBe("cnpg-system");
    expect(r.spec.chart.spec).toMatchObject({ chart: "cloudnative-pg", version: "0.29.0" });
    expect(r.spec.values.crds).toEqual({ create: true });
    expect(example.one(`${STORAGE}/cloudnative-pg.yaml`, "HelmRepository").spec.url).toBe(
      "https://cloudnative-pg.github.io/charts",
    );
  });
});

describe("Infrastructure: Pi-hole", () => {
  const values = release(example, "pihole").spec.values;

  it("serves DNS on TCP and UDP 53 of the model's `pihole` reservation, the two Services sharing the address", () => {
    expect(values.serviceDns).toMatchObject({ type: "LoadBalancer", mixedService: false });
    expect(values.serviceDns.annotations).toEqual({
      "metallb.io/loadBalancerIPs": example.lab.loadBalancerIp("pihole").toString(),
      "metallb.io/allow-shared-ip": "pihole-dns",
    });
    expect(values.serviceDhcp).toEqual({ enabled: false });
  });

  it("forwards to the model's upstream resolvers and reads its admin password from a Secret", () => {
    expect(`${values.DNS1};${values.DNS2}`).toBe(example.lab.upstreamDns.map(String).join(";"));
    expect(values.admin).toEqual({ enabled: true, existingSecret: "pihole-admin", passwordKey: "password" });
    expect(values.podDnsConfig.nameservers).toEqual(["127.0.0.1", "1.1.1.1", "9.9.9.9"]);
    const three = release(
      render(spec((s) => ({ ...s, network: { ...s.network, upstreamDns: ["1.1.1.1", "9.9.9.9", "8.8.8.8"] } }))),
      "pihole",
    );
    expect(three.spec.values.DNS1).toBe("1.1.1.1");
    expect(three.spec.values.DNS2).toBe("9.9.9.9;8.8.8.8");
    const single = release(
      render(spec((s) => ({ ...s, network: { ...s.network, upstreamDns: ["9.9.9.9"] } }))),
      "pihole",
    );
    expect([single.spec.values.DNS1, single.spec.values.DNS2]).toEqual(["9.9.9.9", ""]);
  });

  it("serves its web UI at pihole.<domain> through the model's ingress class with a certificate from the ClusterIssuer", () => {
    const host = `pihole.${example.lab.domain}`;
    expect(values.ingress).toEqual({
      enabled: true,
      ingressClassName: ingressClassName(example.lab),
      annotations: { "cert-manager.io/cluster-issuer": CLUSTER_ISSUER_NAME },
      path: "/",
      pathType: "Prefix",
      hosts: [host],
      tls: [{ secretName: "pihole-tls", hosts: [host] }],
    });
    expect(values.virtualHost).toBe(host);
    const other = release(render(spec(), { pihole: { subdomain: "dns", adminPasswordSecret: "pihole-web" } }), "pihole")
      .spec.values;
    expect(other.ingress.hosts).toEqual([`dns.${example.lab.domain}`]);
    expect(other.admin.existingSecret).toBe("pihole-web");
  });

  it("changing the reservation in the model changes the output", () => {
    const r = render(spec((s) => withReservations(s, { ...s.network.loadBalancerIps, pihole: "192.168.1.219" })));
    expect(release(r, "pihole").spec.values.serviceDns.annotations["metallb.io/loadBalancerIPs"]).toBe("192.168.1.219");
  });

  it("a missing `pihole` reservation is a clear error naming network.loadBalancerIps.pihole and the fix", () => {
    const { app } = build(spec((s) => withReservations(s, { wireguard: "192.168.1.201", ingress: "192.168.1.202" })));
    let error: unknown;
    try {
      renderKubernetes(app);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConstructValidationError);
    const problems = (error as ConstructValidationError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\[addons\/pihole\] network\.loadBalancerIps\.pihole is missing: /);
    expect(problems[0]).toContain(
      'Add loadBalancerIps: { pihole: "<a free address in the MetalLB pool 192.168.1.200-192.168.1.220>" }',
    );
    expect(problems[0]).toContain('reservations now: "wireguard", "ingress"');
    expect(problems[0]).toContain("pass { pihole: false }");
  });

  it("can be left out, and then needs no reservation", () => {
    const r = render(
      spec((s) => withReservations(s, { wireguard: "192.168.1.201", ingress: "192.168.1.202" })),
      { pihole: false },
    );
    expect(r.docs.has(`${ADDONS}/pihole.yaml`)).toBe(false);
    expect(r.app.addons.secrets.map((s) => s.name)).toEqual(["cloudflare-api-token"]);
  });
});

describe("Infrastructure: per-construct synthesis (cdk8s Testing)", () => {
  it("each layer synthesizes on its own: controllers hold only Flux objects, configs only the controllers' resources", () => {
    const { app } = build();
    const controllers = Testing.synth(app.controllers) as Doc[];
    expect(new Set(controllers.map((d) => d.apiVersion))).toEqual(
      new Set(["helm.toolkit.fluxcd.io/v2", "source.toolkit.fluxcd.io/v1"]),
    );
    expect(
      controllers
        .filter((d) => d.kind === "HelmRelease")
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(["cert-manager", "metallb", "traefik"]);
    const names = (layer: typeof app.storage) =>
      (Testing.synth(layer) as Doc[]).filter((d) => d.kind === "HelmRelease").map((d) => d.metadata.name);
    expect(names(app.storage).sort()).toEqual(["cloudnative-pg", "longhorn"]);
    expect(names(app.addons).sort()).toEqual(["external-dns", "pihole"]);
    const configs = Testing.synth(app.configs) as Doc[];
    expect(configs.map((d) => d.kind).sort()).toEqual(["ClusterIssuer", "IPAddressPool", "L2Advertisement"]);
  });

  it("the tree is the truth: each unit is a direct child of the layer it renders into, nothing else is added", () => {
    const { app, infra } = build();
    expect(app.node.children.map((c) => c.node.id)).toEqual(["controllers", "configs", "storage", "addons", "apps"]);
    expect(app.controllers.node.children.map((c) => c.node.id)).toEqual(["metallb", "cert-manager", "traefik"]);
    expect(app.storage.node.children.map((c) => c.node.id)).toEqual(["longhorn", "cloudnative-pg"]);
    expect(app.addons.node.children.map((c) => c.node.id)).toEqual(["external-dns", "pihole"]);
    expect(app.configs.node.children.map((c) => c.node.id)).toEqual(["metallb-config", "cert-manager-config"]);
    expect(app.apps.node.children).toEqual([]);
    expect(infra.ingressController.node.path).toBe("controllers/traefik");
    expect(infra.clusterIssuer.node.path).toBe("configs/cert-manager-config/cluster-issuer");
    // A dependency on what it made is a dependency on a real construct of the tree.
    const later = new HelmApp(app.apps, "later", { chart: CHARTS.metallb });
    later.node.addDependency(infra.ingressController);
    expect(later.node.dependencies).toEqual([infra.ingressController]);
  });

  it("exposes the objects it made", () => {
    const { infra, lab } = build();
    expect(infra.ipAddressPool.toJson().spec.addresses).toEqual(lab.metallbPool.map(String));
    expect(infra.clusterIssuer.name).toBe(infra.clusterIssuerName);
    expect(infra.ingressController.releaseName).toBe("traefik");
    expect(infra.pihole?.namespace).toBe("pihole");
    expect(infra.metallb.chart).toBe(CHARTS.metallb);
  });
});
