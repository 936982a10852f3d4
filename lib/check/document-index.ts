/**
 * What several checks look up in the rendered documents, built once per {@link CheckContext}: the
 * documents by kind, the pod specs and their containers, the Pod Security violations of each pod spec
 * and the rendered Namespaces. `runChecks` hands every check the same context, so the 20-odd checks
 * of a synth walk the documents for these once instead of each on its own. Each part is built on
 * first use; the checks stay pure functions of the context.
 */
import type { CheckContext, CheckedDocument } from "./context.js";
import { type RenderedNamespace, renderedNamespaces } from "./policies/namespaces.js";
import { podSecurityViolations, type Violation } from "./policies/pod-security-standards.js";
import { type ContainerAt, containersOf, type PodSpecAt, podSpecOf } from "./policies/pods.js";

/** The shared lookups of one context's documents. Read them only: checks share what they return. */
export interface DocumentIndex {
  /** The documents whose `kind` is `kind` (of any API group), in document order. */
  ofKind(kind: string): readonly CheckedDocument[];
  /** The documents whose `kind` is one of `kinds`, in document order (a check that reads several kinds in one pass). */
  ofKinds(...kinds: readonly string[]): readonly CheckedDocument[];
  /** Every pod spec of the documents, in document order (as `podSpecs(ctx.documents)`). */
  readonly podSpecs: readonly PodSpecAt[];
  /** The containers of one of {@link podSpecs} (as `containersOf(pod)`). */
  containers(pod: PodSpecAt): readonly ContainerAt[];
  /** The Pod Security violations of one of {@link podSpecs} (as `podSecurityViolations(pod)`). */
  violations(pod: PodSpecAt): readonly Violation[];
  /** Every rendered Namespace by name (as `renderedNamespaces(ctx.documents)`). */
  readonly namespaces: ReadonlyMap<string, RenderedNamespace>;
}

/** A memo per pod spec object: `compute` runs once per pod. */
function perPod<T>(compute: (pod: PodSpecAt) => T): (pod: PodSpecAt) => T {
  const memo = new WeakMap<PodSpecAt, T>();
  return (pod) => {
    let v = memo.get(pod);
    if (v === undefined) {
      v = compute(pod);
      memo.set(pod, v);
    }
    return v;
  };
}

function buildIndex(documents: readonly CheckedDocument[]): DocumentIndex {
  /** Per kind, the positions of its documents, ascending. */
  let positions: Map<string, number[]> | undefined;
  const byKind = new Map<string, readonly CheckedDocument[]>();
  const byKinds = new Map<string, readonly CheckedDocument[]>();
  const positionsOf = (kind: string): readonly number[] => {
    if (positions === undefined) {
      positions = new Map();
      documents.forEach((d, i) => {
        const list = positions!.get(d.doc.kind);
        if (list === undefined) positions!.set(d.doc.kind, [i]);
        else list.push(i);
      });
    }
    return positions.get(kind) ?? [];
  };
  let pods: PodSpecAt[] | undefined;
  let namespaces: Map<string, RenderedNamespace> | undefined;
  return {
    ofKind(kind) {
      let docs = byKind.get(kind);
      if (docs === undefined) {
        docs = positionsOf(kind).map((i) => documents[i]!);
        byKind.set(kind, docs);
      }
      return docs;
    },
    ofKinds(...kinds) {
      const key = kinds.join(" ");
      let docs = byKinds.get(key);
      if (docs === undefined) {
        const at = [...new Set(kinds)].flatMap(positionsOf).sort((a, b) => a - b);
        docs = at.map((i) => documents[i]!);
        byKinds.set(key, docs);
      }
      return docs;
    },
    get podSpecs() {
      if (pods === undefined) {
        pods = [];
        for (const d of documents) {
          const pod = podSpecOf(d);
          if (pod !== undefined) pods.push(pod);
        }
      }
      return pods;
    },
    containers: perPod(containersOf),
    violations: perPod(podSecurityViolations),
    get namespaces() {
      namespaces ??= renderedNamespaces(documents);
      return namespaces;
    },
  };
}

interface Memo {
  readonly documents: readonly CheckedDocument[];
  readonly length: number;
  readonly index: DocumentIndex;
}

const indexes = new WeakMap<CheckContext, Memo>();

/** The index of `ctx`'s documents, built on first use and kept as long as the context lives. */
export function documentIndex(ctx: CheckContext): DocumentIndex {
  const memo = indexes.get(ctx);
  // A context is read-only, but a caller may still swap or extend its documents: then the index follows them.
  if (memo !== undefined && memo.documents === ctx.documents && memo.length === ctx.documents.length) return memo.index;
  const index = buildIndex(ctx.documents);
  indexes.set(ctx, { documents: ctx.documents, length: ctx.documents.length, index });
  return index;
}
