/**
 * The root of a lab's construct tree: a cdk8s App that carries the validated
 * {@link Homelab} (so every construct finds it with `Homelab.of(this)`) and
 * one chart per Flux layer. Each direct child of a layer becomes one file,
 * `dist/<layer folder>/<child id>.yaml`.
 *
 * Lookups have one shape, the AWS CDK's `Stack.of(this)`: `Homelab.of(scope)`,
 * `HomelabApp.of(scope)` and `Layer.of(scope)`, each a `Symbol.for` brand check
 * (safe across two copies of the package) with an error that says what to build first.
 */
import { App, Chart, type AppProps } from "cdk8s";
import type { IConstruct } from "constructs";
import { HOMELAB_CONTEXT_KEY, type Homelab } from "../model/homelab.js";
import { compareStrings } from "../model/order.js";
import type { PodSecurityLevel } from "./namespace.js";

/**
 * The Flux layers, in this order. Each waits only for the layers it needs (`dependsOn`), so a
 * failing optional controller (an add-on) never holds back core networking, storage or the apps.
 */
export type LayerId = "controllers" | "configs" | "storage" | "addons" | "apps";

const LAYER = Symbol.for("cdk8s-homelab.Layer");
const HOMELAB_APP = Symbol.for("cdk8s-homelab.HomelabApp");

function branded(x: unknown, brand: symbol): boolean {
  return x !== null && typeof x === "object" && brand in x;
}

/** A Secret a layer's workloads read that the user keeps as a SOPS-encrypted file. */
export interface LayerSecret {
  readonly namespace: string;
  readonly name: string;
  /** What it is for, shown in synth's note while the file is missing. */
  readonly purpose: string;
}

/** Options for {@link Layer}. */
export interface LayerProps {
  /** Folder under `dist/`, e.g. `infrastructure/controllers`. */
  readonly dir: string;
  /** Name of the Flux Kustomization that applies the folder. */
  readonly kustomizationName: string;
  /**
   * Layers applied before this one.
   * @default [] - applied first
   */
  readonly dependsOn?: readonly Layer[];
}

/** A Flux layer: a folder of `dist/` applied by one Flux Kustomization. */
export class Layer extends Chart {
  /** True when `x` is a Layer (`instanceof` is unreliable: Chart overrides it for every chart). */
  static isLayer(x: unknown): x is Layer {
    return branded(x, LAYER);
  }

  /**
   * The Layer `scope` is built in (the nearest one above it, or itself).
   * @throws Error naming the layers to build in when `scope` is not inside one
   */
  static override of(scope: IConstruct): Layer {
    for (const s of [...scope.node.scopes].reverse()) if (Layer.isLayer(s)) return s;
    throw new Error(
      `${scope.node.path || "the root"} is not inside a layer: build it in app.controllers, app.configs or app.apps ` +
        "of a HomelabApp (new HomelabApp(Homelab.create(spec)))",
    );
  }

  /** Which layer this is. */
  readonly layerId: LayerId;
  /** Folder under `dist/`, e.g. `infrastructure/controllers`. */
  readonly dir: string;
  /** Name of the Flux Kustomization that applies the folder. */
  readonly kustomizationName: string;
  /** Layers applied before this one. */
  readonly dependsOn: readonly Layer[];

  /** Secrets this layer's workloads read that the user keeps as SOPS files (namespace/name). */
  private readonly expectedSecrets = new Map<string, LayerSecret>();

  constructor(scope: HomelabApp, id: LayerId, props: LayerProps) {
    super(scope, id, { disableResourceNameHashes: true });
    Object.defineProperty(this, LAYER, { value: true });
    this.layerId = id;
    this.dir = props.dir;
    this.kustomizationName = props.kustomizationName;
    this.dependsOn = props.dependsOn ?? [];
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
  get secrets(): readonly LayerSecret[] {
    return [...this.expectedSecrets.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, v]) => v);
  }
}

/** A construct's request for a namespace (see `ensureNamespace`). */
export interface NamespaceRequest {
  readonly name: string;
  readonly level: PodSecurityLevel;
  /** The layer the asking construct is in: the namespace is created in the earliest one. */
  readonly layer: Layer;
  /** Path of the asking construct, for messages. */
  readonly by: string;
}

/** Options for {@link HomelabApp}. */
export interface HomelabAppProps extends AppProps {}

/** The lab's cdk8s App. Build constructs in {@link controllers}, {@link configs} and {@link apps}. */
export class HomelabApp extends App {
  /** True when `x` is a HomelabApp (of any copy of this package). */
  static isHomelabApp(x: unknown): x is HomelabApp {
    return branded(x, HOMELAB_APP);
  }

  /**
   * The HomelabApp `scope` belongs to: the root of its construct tree.
   * @throws Error saying to build `new HomelabApp(...)` first when the root is something else
   */
  static override of(scope: IConstruct): HomelabApp {
    const root = scope.node.root;
    if (!HomelabApp.isHomelabApp(root)) {
      throw new Error(
        `${scope.node.path || "the root"}: the construct tree's root is not a HomelabApp; ` +
          "build new HomelabApp(Homelab.create(spec)) first and create constructs in its layers",
      );
    }
    return root;
  }

  readonly homelab: Homelab;
  /**
   * Core networking controllers (MetalLB, cert-manager, the ingress controller): HelmRepositories and
   * HelmReleases (they install CRDs). Applied first; waits for nothing.
   */
  readonly controllers: Layer;
  /** Infrastructure configuration: custom resources of those controllers (IPAddressPool, ClusterIssuer, ...). */
  readonly configs: Layer;
  /**
   * What the apps store their data with (Longhorn, the CloudNativePG operator). Waits for nothing,
   * so a slow storage install never holds back core networking.
   */
  readonly storage: Layer;
  /**
   * Optional controllers (external-dns, Pi-hole): after the configs, and nothing waits for them,
   * so one that fails holds back no other layer.
   */
  readonly addons: Layer;
  /** The lab's applications: after the configs and storage, never after the add-ons. */
  readonly apps: Layer;

  /** Namespaces asked for by the constructs, in the order asked (see `ensureNamespace`). */
  private readonly namespaceRequests: NamespaceRequest[] = [];

  constructor(homelab: Homelab, props: HomelabAppProps = {}) {
    super(props);
    Object.defineProperty(this, HOMELAB_APP, { value: true });
    this.node.setContext(HOMELAB_CONTEXT_KEY, homelab);
    this.homelab = homelab;
    this.controllers = new Layer(this, "controllers", {
      dir: "infrastructure/controllers",
      kustomizationName: "infra-controllers",
    });
    this.configs = new Layer(this, "configs", {
      dir: "infrastructure/configs",
      kustomizationName: "infra-configs",
      dependsOn: [this.controllers],
    });
    this.storage = new Layer(this, "storage", { dir: "infrastructure/storage", kustomizationName: "infra-storage" });
    this.addons = new Layer(this, "addons", {
      dir: "infrastructure/addons",
      kustomizationName: "infra-addons",
      dependsOn: [this.configs],
    });
    this.apps = new Layer(this, "apps", {
      dir: "apps",
      kustomizationName: "apps",
      dependsOn: [this.configs, this.storage],
    });
  }

  /**
   * The layers in a fixed order (a namespace asked for by several layers is created in the first).
   * Flux applies them as their `dependsOn` allow, independent layers side by side.
   */
  get layers(): readonly Layer[] {
    return [this.controllers, this.configs, this.storage, this.addons, this.apps];
  }

  /** Records a construct's request for a namespace; `ensureNamespace` is the way to call it. */
  requestNamespace(request: NamespaceRequest): void {
    this.namespaceRequests.push(request);
  }

  /** Every namespace request so far, in the order made. */
  get requestedNamespaces(): readonly NamespaceRequest[] {
    return [...this.namespaceRequests];
  }

  /** Synthesizes with the cdk8s-homelab renderer (so `cdk8s synth` and `npm run synth` agree). */
  override synth(): void {
    throw new Error(
      "HomelabApp is rendered by cdk8s-homelab's synth (runCli / render), which writes dist/ and nix/ atomically; " +
        "do not call app.synth()",
    );
  }
}
