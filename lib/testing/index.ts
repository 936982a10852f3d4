/**
 * `cdk8s-homelab/testing`: test a lab the way the library tests itself. One line synthesizes a lab (its
 * entry's definition, or a spec and a Kubernetes function) in memory, writing nothing; then find the
 * Kubernetes documents by kind, namespace and name, and read nix/vars.nix back as a value.
 * ```ts
 * import { synthLab } from "cdk8s-homelab/testing";
 * import lab from "../apps/lab.js";
 * const out = synthLab(lab);
 * const ingress = out.find("Ingress", { namespace: "whoami", name: "whoami" });
 * expect(ingress.spec.rules[0].host).toBe("whoami.home.example.net");
 * expect(out.vars().k3s.servers).toEqual(["node1"]);
 * ```
 */
import { parseAllDocuments } from "yaml";
import { findRoot } from "../cli/config.js";
import { labSpec } from "../cli/definition.js";
import type { Lab } from "../cli/lab.js";
import type { HomelabApp } from "../k8s/homelab-app.js";
import type { SopsFile } from "../k8s/render.js";
import type { Homelab, HomelabSpec, Problem } from "../model/index.js";
import { render } from "../synth/render.js";
import { parseNixValue } from "./nix-value.js";

export { parseNixValue, NixSubsetError, type NixValue } from "./nix-value.js";
export {
  K3S_COREDNS_POD,
  NetworkPolicyEvaluator,
  type AddressEndpoint,
  type Endpoint,
  type ExtraPod,
  type NetworkPolicyEvaluatorOptions,
  type PodEndpoint,
  type PodPort,
  type NetworkProtocol,
} from "./network-policy.js";

/** A Kubernetes document of dist/, parsed. Fields beyond the identity are left loosely typed for tests. */
export interface KubeDocument {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [field: string]: any };
  readonly [field: string]: any;
}

/** Which documents: every field given must match. */
export interface DocumentFilter {
  /** @default any namespace (cluster-scoped documents have none) */
  readonly namespace?: string;
  /** @default any name */
  readonly name?: string;
  /** e.g. `helm.toolkit.fluxcd.io/v2`. @default any apiVersion */
  readonly apiVersion?: string;
}

/** A lab synthesized in memory. */
export interface SynthesizedLab {
  /** Every file synth would write, path -> text (dist/..., nix/..., synth-manifest.json). */
  readonly files: ReadonlyMap<string, string>;
  /** The validated model. */
  readonly homelab: Homelab;
  /** Validation warnings (the run went on). */
  readonly warnings: readonly Problem[];
  /** Notes from the Kubernetes side, e.g. SOPS Secrets still to create. */
  readonly notes: readonly string[];
  /** Every Kubernetes document of dist/ in path order (not kustomize's own kustomization.yaml files). */
  readonly documents: readonly KubeDocument[];
  /** The documents of `kind` that match `filter`. */
  findAll(kind: string, filter?: DocumentFilter): KubeDocument[];
  /** The one document of `kind` that matches `filter`; throws, listing what there is, unless exactly one does. */
  find(kind: string, filter?: DocumentFilter): KubeDocument;
  /** A generated file's text; throws, naming the files there are, when synth writes no such file. */
  file(path: string): string;
  /** nix/vars.nix read back as a value (with {@link parseNixValue}: Nix data, not evaluated). */
  vars(): Record<string, any>;
}

/** Options of {@link synthLab}. */
export interface SynthLabOptions {
  /**
   * SOPS-encrypted Secret files to carry into dist/.
   * @default [] - none (the lab's secretsDir is not read)
   */
  readonly sopsFiles?: readonly SopsFile[];
  /**
   * The lab's root, which a `specFile` is relative to.
   * @default the nearest folder with a package.json, from the working directory up
   */
  readonly root?: string;
}

/**
 * Synthesizes a lab's definition (what its entry exports with `defineLab`) in memory. A lab whose spec is
 * a YAML or JSON file (`specFile`) has it read from disk, relative to the lab's root.
 */
export function synthLab(lab: Lab, options: SynthLabOptions = {}): SynthesizedLab {
  const { secretsDir: _secretsDir, specFile, spec: _spec, source: _source, ...def } = lab;
  const root = specFile === undefined ? "" : (options.root ?? findRoot(process.cwd()));
  const rendered = render({ ...def, ...labSpec(root, lab), sopsFiles: options.sopsFiles ?? [] });
  const documents: KubeDocument[] = [];
  for (const [p, text] of rendered.files) {
    if (!p.startsWith("dist/") || !p.endsWith(".yaml") || p.endsWith("/kustomization.yaml")) continue;
    for (const doc of parseAllDocuments(text)) {
      const value = doc.toJS() as KubeDocument | null;
      if (value !== null && typeof value === "object") documents.push(value);
    }
  }
  const describe = (d: KubeDocument) =>
    `${d.metadata?.namespace === undefined ? "" : `${d.metadata.namespace}/`}${d.metadata?.name}`;
  const findAll = (kind: string, filter: DocumentFilter = {}) =>
    documents.filter(
      (d) =>
        d.kind === kind &&
        (filter.namespace === undefined || d.metadata?.namespace === filter.namespace) &&
        (filter.name === undefined || d.metadata?.name === filter.name) &&
        (filter.apiVersion === undefined || d.apiVersion === filter.apiVersion),
    );
  const file = (p: string): string => {
    const text = rendered.files.get(p);
    if (text === undefined) throw new Error(`synth writes no ${p}; it writes ${[...rendered.files.keys()].join(", ")}`);
    return text;
  };
  return {
    files: rendered.files,
    homelab: rendered.homelab,
    warnings: rendered.warnings,
    notes: rendered.notes,
    documents,
    findAll,
    find(kind, filter = {}) {
      const found = findAll(kind, filter);
      if (found.length === 1) return found[0]!;
      const all = findAll(kind).map(describe);
      throw new Error(
        `expected one ${kind} matching ${JSON.stringify(filter)}, found ${found.length}; ` +
          `the ${kind} documents are: ${all.length === 0 ? "none" : all.join(", ")}`,
      );
    },
    file,
    vars: () => parseNixValue(file("nix/vars.nix")) as Record<string, any>,
  };
}

/**
 * Synthesizes a small lab from a spec (and optionally its Kubernetes side) in memory:
 * `synthSpec(spec, (app) => new IngressedService(app.apps, "web", {...}))`.
 */
export function synthSpec(spec: HomelabSpec, kubernetes?: (app: HomelabApp) => void): SynthesizedLab {
  return synthLab(kubernetes === undefined ? { spec } : { spec, kubernetes });
}
