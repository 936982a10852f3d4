/** What every check reads: the model, and the documents the render produced, each with its file and construct. */
import type { Homelab } from "../model/index.js";
import type { Doc } from "../k8s/documents.js";
import type { ExpectedSecret, SopsFile } from "../k8s/sops.js";
import type { ExternalObject } from "../k8s/external.js";

/** A rendered document, where it is written and which construct made it. */
export interface CheckedDocument {
  /** Project-relative file, e.g. `dist/apps/jellyfin.yaml`. */
  readonly file: string;
  readonly doc: Doc;
  /** The construct path that made it. */
  readonly construct: string;
}

/** The input of a check. Checks are pure: they read this and return findings. */
export interface CheckContext {
  readonly homelab: Homelab;
  /** Every rendered Kubernetes document (Flux bootstrap included), in file order. */
  readonly documents: readonly CheckedDocument[];
  /** Every Secret the layers expect, and whether a SOPS file provides it. */
  readonly secrets: readonly ExpectedSecret[];
  /** The SOPS files carried into dist/ (path and text). */
  readonly sopsFiles: readonly SopsFile[];
  /**
   * Objects the user declared external (`declareExternal`): they exist without the lab making them.
   * @default [] - none
   */
  readonly externals?: readonly ExternalObject[];
}
