/**
 * The root of a lab's construct tree: a cdk8s App that carries the validated
 * {@link Homelab} (so every construct finds it with `Homelab.of(this)`) and
 * one chart per Flux layer. Each direct child of a layer becomes one file,
 * `dist/<layer folder>/<child id>.yaml`.
 */
import { App, Chart, type AppProps } from "cdk8s";
import { Construct } from "constructs";
import { HOMELAB_CONTEXT_KEY, Homelab, compareStrings } from "../model/index.js";

/** The Flux layers, applied in this order. */
export type LayerId = "controllers" | "configs" | "apps";

/** A Flux layer: a folder of `dist/` applied by one Flux Kustomization. */
const LAYER = Symbol.for("cdk8s-homelab.Layer");

export class Layer extends Chart {
  /** True when `x` is a Layer (`instanceof` is unreliable: Chart overrides it for every chart). */
  static isLayer(x: unknown): x is Layer {
    return x !== null && typeof x === "object" && LAYER in x;
  }

  /** The Layer a construct belongs to. @throws Error when the construct is not inside a layer. */
  static containing(scope: Construct): Layer {
    for (const s of [...scope.node.scopes].reverse()) if (Layer.isLayer(s)) return s;
    throw new Error(
      `${scope.node.path} is not inside a layer: create it in app.controllers, app.configs or app.apps of a HomelabApp`,
    );
  }

  /** Secrets this layer's workloads read that the user keeps as SOPS files (namespace/name). */
  private readonly expectedSecrets = new Map<string, { namespace: string; name: string; purpose: string }>();

  constructor(
    scope: Construct,
    readonly layerId: LayerId,
    /** Folder under `dist/`, e.g. `infrastructure/controllers`. */
    readonly dir: string,
    /** Name of the Flux Kustomization that applies the folder. */
    readonly kustomizationName: string,
    /** Layers applied before this one. */
    readonly dependsOn: readonly Layer[],
  ) {
    super(scope, layerId, { disableResourceNameHashes: true });
    Object.defineProperty(this, LAYER, { value: true });
  }

  /**
   * Records that a workload in this layer reads a Secret the user provides as a SOPS-encrypted
   * file (never plain text in dist/). The layer's Kustomization then decrypts with SOPS, and
   * synth carries the file into the layer, or warns when it is missing.
   */
  expectSecret(namespace: string, name: string, purpose: string): void {
    this.expectedSecrets.set(`${namespace}/${name}`, { namespace, name, purpose });
  }

  /** The Secrets this layer expects, sorted by namespace/name. */
  get secrets(): readonly { namespace: string; name: string; purpose: string }[] {
    return [...this.expectedSecrets.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, v]) => v);
  }
}

/** Options for {@link HomelabApp}. */
export interface HomelabAppProps extends AppProps {}

/** The lab's cdk8s App. Build constructs in {@link controllers}, {@link configs} and {@link apps}. */
export class HomelabApp extends App {
  /** The HomelabApp a construct belongs to. */
  static containing(scope: Construct): HomelabApp {
    const root = scope.node.root;
    if (!(root instanceof HomelabApp)) {
      throw new Error(`${scope.node.path}: the construct tree's root is not a HomelabApp; create it with new HomelabApp(homelab)`);
    }
    return root;
  }

  readonly homelab: Homelab;
  /** Infrastructure controllers: HelmRepositories and HelmReleases (they install CRDs). */
  readonly controllers: Layer;
  /** Infrastructure configuration: custom resources of those controllers (IPAddressPool, ClusterIssuer, ...). */
  readonly configs: Layer;
  /** The lab's applications. */
  readonly apps: Layer;

  constructor(homelab: Homelab, props: HomelabAppProps = {}) {
    super(props);
    this.node.setContext(HOMELAB_CONTEXT_KEY, homelab);
    this.homelab = homelab;
    this.controllers = new Layer(this, "controllers", "infrastructure/controllers", "infra-controllers", []);
    this.configs = new Layer(this, "configs", "infrastructure/configs", "infra-configs", [this.controllers]);
    this.apps = new Layer(this, "apps", "apps", "apps", [this.configs]);
  }

  /** The layers in the order Flux applies them. */
  get layers(): readonly Layer[] {
    return [this.controllers, this.configs, this.apps];
  }

  /** Synthesizes with the cdk8s-homelab renderer (so `cdk8s synth` and `npm run synth` agree). */
  override synth(): void {
    throw new Error(
      "HomelabApp is rendered by cdk8s-homelab's synth (runCli / renderLab), which writes dist/ and nix/ atomically; do not call app.synth()",
    );
  }
}
