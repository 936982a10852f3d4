/** The lab's rendered Namespaces and their Pod Security labels. */
import type { CheckedDocument } from "../context.js";
import { isObject } from "./pods.js";

/** The label that sets the Pod Security level a namespace enforces. */
export const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

/** A rendered Namespace and the value of its enforce label (undefined when it has none). */
export interface RenderedNamespace {
  readonly source: CheckedDocument;
  readonly name: string;
  readonly enforce: unknown;
}

/** Every rendered Namespace by name. */
export function renderedNamespaces(documents: readonly CheckedDocument[]): Map<string, RenderedNamespace> {
  const out = new Map<string, RenderedNamespace>();
  for (const source of documents) {
    const { doc } = source;
    if (doc.kind !== "Namespace" || typeof doc.metadata.name !== "string") continue;
    const labels = (doc.metadata as { labels?: unknown }).labels;
    const enforce = isObject(labels) ? labels[ENFORCE_LABEL] : undefined;
    out.set(doc.metadata.name, { source, name: doc.metadata.name, enforce });
  }
  return out;
}
