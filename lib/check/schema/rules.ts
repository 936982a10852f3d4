/**
 * The CRDs' CEL rules (`x-kubernetes-validations`) that JSON schema cannot express and that matter
 * for what a lab writes, mirrored in TypeScript (the check does not evaluate CEL). One entry each:
 *
 * - `helmrelease-chart`: HelmRelease `spec`: exactly one of `chart` and `chartRef`;
 * - `flux-kubeconfig`: HelmRelease / Kustomization `spec.kubeConfig`: exactly one of `configMapRef`, `secretRef`;
 * - `helmrelease-retry-interval`: HelmRelease `spec.install.strategy` / `spec.upgrade.strategy`:
 *   `retryInterval` only with `name: RetryOnFailure`;
 * - `helmchart-verify`: HelmChart `spec.verify` only with `sourceRef.kind: HelmRepository`;
 * - `gitrepository-service-account`: GitRepository `spec.serviceAccountName` only with `provider` azure or aws;
 * - `cnpg-image`: CNPG Cluster `imageName` and `imageCatalogRef` are mutually exclusive, and
 *   `imageCatalogRef.kind` is ImageCatalog or ClusterImageCatalog;
 * - `cnpg-locale`: CNPG Cluster initdb `builtinLocale` only with `localeProvider: builtin`, `icuLocale` and
 *   `icuRules` only with `localeProvider: icu`;
 * - `cnpg-synchronous`: CNPG Cluster `postgresql.synchronous.number` > 0, and `dataDurability: preferred`
 *   only with empty `standbyNamesPre` and `standbyNamesPost`;
 * - `cnpg-schedule`: CNPG ScheduledBackup `spec.schedule` has six cron fields, seconds first (CNPG's
 *   robfig/cron parser; not a CEL rule, but a five-field schedule silently runs at the wrong time);
 * - `venafi-one-of`: cert-manager Issuer / ClusterIssuer `spec.venafi`: exactly one of tpp, cloud, ngts.
 *
 * Transition rules (`self == oldSelf`, immutability) only apply to updates and are not mirrored.
 */
import { cronScheduleProblem } from "../../model/cron.js";
import { isObject, type JsonObject, type SchemaProblem } from "./problem.js";

/** A mirrored rule: which objects it reads, and its problems in one of them. */
export interface SchemaRule {
  /** A short name, for the README and tests. */
  readonly id: string;
  /** `group/version Kind` of the objects it applies to. */
  readonly applies: readonly string[];
  /** The upstream rule, in CEL (or a sentence when it is not a CEL rule). */
  readonly rule: string;
  /** Its problems in `doc` (an object of one of `applies`), empty when the rule holds. */
  readonly problems: (doc: JsonObject) => SchemaProblem[];
}

function has(o: unknown, key: string): boolean {
  return isObject(o) && o[key] !== undefined && o[key] !== null;
}

function at(doc: unknown, ...path: string[]): unknown {
  let cur = doc;
  for (const p of path) cur = isObject(cur) ? cur[p] : undefined;
  return cur;
}

function exactlyOne(obj: unknown, keys: readonly string[], path: string[], what: string): SchemaProblem[] {
  if (!isObject(obj)) return [];
  const set = keys.filter((k) => has(obj, k));
  if (set.length === 1) return [];
  return [
    {
      path,
      message: set.length === 0 ? `${what} must be set (neither is)` : `${what} must be set, not both`,
      fix: set.length === 0 ? `set one of ${keys.join(", ")}` : `keep one of ${set.join(", ")} and remove the others`,
    },
  ];
}

/** Every mirrored rule, in the order their findings are reported. */
export const SCHEMA_RULES: readonly SchemaRule[] = [
  {
    id: "helmrelease-chart",
    applies: ["helm.toolkit.fluxcd.io/v2 HelmRelease"],
    rule: "(has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))",
    problems: (doc) => {
      const spec = isObject(doc.spec) ? doc.spec : {};
      return exactlyOne(spec, ["chart", "chartRef"], ["spec"], "either chart or chartRef");
    },
  },
  {
    id: "flux-kubeconfig",
    applies: ["helm.toolkit.fluxcd.io/v2 HelmRelease", "kustomize.toolkit.fluxcd.io/v1 Kustomization"],
    rule: "has(self.configMapRef) || has(self.secretRef), !(has(self.configMapRef) && has(self.secretRef))",
    problems: (doc) =>
      exactlyOne(
        at(doc, "spec", "kubeConfig"),
        ["configMapRef", "secretRef"],
        ["spec", "kubeConfig"],
        "exactly one of configMapRef or secretRef",
      ),
  },
  {
    id: "helmrelease-retry-interval",
    applies: ["helm.toolkit.fluxcd.io/v2 HelmRelease"],
    rule: "!has(self.retryInterval) || self.name == 'RetryOnFailure'",
    problems: (doc) =>
      ["install", "upgrade"].flatMap((phase) => {
        const strategy = at(doc, "spec", phase, "strategy");
        if (!has(strategy, "retryInterval") || at(strategy, "name") === "RetryOnFailure") return [];
        return [
          {
            path: ["spec", phase, "strategy", "retryInterval"],
            message: `retryInterval can only be set when name is 'RetryOnFailure' (it is ${JSON.stringify(at(strategy, "name"))})`,
            fix: "set strategy.name to RetryOnFailure, or remove retryInterval",
          },
        ];
      }),
  },
  {
    id: "helmchart-verify",
    applies: ["source.toolkit.fluxcd.io/v1 HelmChart"],
    rule: "!has(self.verify) || self.sourceRef.kind == 'HelmRepository'",
    problems: (doc) =>
      has(doc.spec, "verify") && at(doc, "spec", "sourceRef", "kind") !== "HelmRepository"
        ? [
            {
              path: ["spec", "verify"],
              message: "spec.verify is only supported when spec.sourceRef.kind is 'HelmRepository'",
              fix: "remove spec.verify, or take the chart from a HelmRepository",
            },
          ]
        : [],
  },
  {
    id: "gitrepository-service-account",
    applies: ["source.toolkit.fluxcd.io/v1 GitRepository"],
    rule: "!has(self.serviceAccountName) || (has(self.provider) && (self.provider == 'azure' || self.provider == 'aws'))",
    problems: (doc) => {
      const provider = at(doc, "spec", "provider");
      return has(doc.spec, "serviceAccountName") && provider !== "azure" && provider !== "aws"
        ? [
            {
              path: ["spec", "serviceAccountName"],
              message: "serviceAccountName can only be set when provider is 'azure' or 'aws'",
              fix: "remove serviceAccountName, or set spec.provider to azure or aws",
            },
          ]
        : [];
    },
  },
  {
    id: "cnpg-image",
    applies: ["postgresql.cnpg.io/v1 Cluster"],
    rule:
      "!(has(self.imageCatalogRef) && has(self.imageName)); " +
      "imageCatalogRef: self.kind == 'ImageCatalog' || self.kind == 'ClusterImageCatalog'",
    problems: (doc) => {
      const out: SchemaProblem[] = [];
      if (has(doc.spec, "imageName") && has(doc.spec, "imageCatalogRef"))
        out.push({
          path: ["spec"],
          message: "imageName and imageCatalogRef are mutually exclusive",
          fix: "keep one of imageName and imageCatalogRef",
        });
      const kind = at(doc, "spec", "imageCatalogRef", "kind");
      if (has(doc.spec, "imageCatalogRef") && kind !== "ImageCatalog" && kind !== "ClusterImageCatalog")
        out.push({
          path: ["spec", "imageCatalogRef", "kind"],
          message: `only image catalogs are supported (got ${JSON.stringify(kind)})`,
          fix: "use kind ImageCatalog or ClusterImageCatalog",
        });
      return out;
    },
  },
  {
    id: "cnpg-locale",
    applies: ["postgresql.cnpg.io/v1 Cluster"],
    rule: "!has(self.builtinLocale) || self.localeProvider == 'builtin' (icuLocale, icuRules: 'icu')",
    problems: (doc) => {
      const initdb = at(doc, "spec", "bootstrap", "initdb");
      const wants: [string, string][] = [
        ["builtinLocale", "builtin"],
        ["icuLocale", "icu"],
        ["icuRules", "icu"],
      ];
      return wants
        .filter(([field, provider]) => has(initdb, field) && at(initdb, "localeProvider") !== provider)
        .map(([field, provider]) => ({
          path: ["spec", "bootstrap", "initdb", field],
          message: `${field} is only available when localeProvider is set to \`${provider}\``,
          fix: `set localeProvider: ${provider}, or remove ${field}`,
        }));
    },
  },
  {
    id: "cnpg-synchronous",
    applies: ["postgresql.cnpg.io/v1 Cluster"],
    rule:
      "number: self > 0; self.dataDurability!='preferred' || " +
      "((!has(self.standbyNamesPre) || self.standbyNamesPre.size()==0) && (... standbyNamesPost ...))",
    problems: (doc) => {
      const sync = at(doc, "spec", "postgresql", "synchronous");
      const out: SchemaProblem[] = [];
      const n = at(sync, "number");
      if (typeof n === "number" && n <= 0)
        out.push({
          path: ["spec", "postgresql", "synchronous", "number"],
          message: `the number of synchronous replicas should be greater than zero (got ${n})`,
          fix: "set it to 1 or more, or remove the synchronous section",
        });
      const nonEmpty = (k: string): boolean => Array.isArray(at(sync, k)) && (at(sync, k) as unknown[]).length > 0;
      if (at(sync, "dataDurability") === "preferred" && (nonEmpty("standbyNamesPre") || nonEmpty("standbyNamesPost")))
        out.push({
          path: ["spec", "postgresql", "synchronous"],
          message: "dataDurability set to 'preferred' requires empty 'standbyNamesPre' and empty 'standbyNamesPost'",
          fix: "empty standbyNamesPre and standbyNamesPost, or set dataDurability: required",
        });
      return out;
    },
  },
  {
    id: "cnpg-schedule",
    applies: ["postgresql.cnpg.io/v1 ScheduledBackup"],
    rule: "six cron fields, seconds first (robfig/cron), or a @descriptor",
    problems: (doc) => {
      const schedule = at(doc, "spec", "schedule");
      if (typeof schedule !== "string") return []; // the schema reports it missing
      const problem = cronScheduleProblem(schedule);
      return problem === undefined
        ? []
        : [
            {
              path: ["spec", "schedule"],
              message: `${JSON.stringify(schedule)} ${problem}`,
              fix: "write six fields: sec min hour day-of-month month day-of-week",
            },
          ];
    },
  },
  {
    id: "venafi-one-of",
    applies: ["cert-manager.io/v1 Issuer", "cert-manager.io/v1 ClusterIssuer"],
    rule: "(has(self.tpp) ? 1 : 0) + (has(self.cloud) ? 1 : 0) + (has(self.ngts) ? 1 : 0) == 1",
    problems: (doc) => {
      const venafi = at(doc, "spec", "venafi");
      if (!isObject(venafi)) return [];
      const set = ["tpp", "cloud", "ngts"].filter((k) => has(venafi, k));
      return set.length === 1
        ? []
        : [
            {
              path: ["spec", "venafi"],
              message: `exactly one of tpp, cloud, or ngts must be configured (${set.length} are)`,
              fix: "keep exactly one of tpp, cloud and ngts",
            },
          ];
    },
  },
];

const byKind = new Map<string, SchemaRule[]>();
for (const r of SCHEMA_RULES) for (const a of r.applies) byKind.set(a, [...(byKind.get(a) ?? []), r]);
/** The kinds some rule applies to: most documents are of none, and skip building the key. */
const ruled = new Set(SCHEMA_RULES.flatMap((r) => r.applies.map((a) => a.slice(a.indexOf(" ") + 1))));

/** Problems the mirrored rules find in `doc` (an object of `apiVersion` and `kind`). */
export function ruleProblems(apiVersion: string, kind: string, doc: JsonObject): SchemaProblem[] {
  if (!ruled.has(kind)) return [];
  return (byKind.get(`${apiVersion} ${kind}`) ?? []).flatMap((r) => r.problems(doc));
}
