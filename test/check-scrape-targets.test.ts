/**
 * host-firewall's scrape targets: every `<name>:9100` in the rendered documents, found string by string
 * (keys and values), as a regex over each whole document's JSON text finds them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CheckedDocument } from "../lib/check/index.js";
import { scrapeTargets } from "../lib/check/references/firewall.js";

/** The definition: the targets a regex finds in the JSON text of each document. */
function byJsonText(documents: readonly CheckedDocument[]): Set<string> {
  const out = new Set<string>();
  for (const d of documents) {
    for (const m of JSON.stringify(d.doc).matchAll(/(?<![\w.-])([\w.-]+):9100(?!\d)/g)) out.add(m[1]!);
  }
  return out;
}

function checked(doc: Record<string, unknown>): CheckedDocument {
  return {
    file: "dist/infrastructure/monitoring.yaml",
    construct: "homelab/monitoring/HelmRelease",
    doc: { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "m" }, ...doc },
  };
}

describe("scrapeTargets", () => {
  it("finds the node_exporter targets of a Prometheus scrape config, each name as a whole token", () => {
    const values = {
      prometheus: {
        prometheusSpec: {
          additionalScrapeConfigs: [
            { job_name: "nodes", static_configs: [{ targets: ["10.0.0.11:9100", "node2.lan:9100", "x:91000"] }] },
          ],
        },
      },
      note: "scraped: 10.0.0.12:9100,\nnode3:9100\tlast",
      "key-host:9100": true,
      dropped: undefined,
    };
    const found = scrapeTargets([checked({ spec: { values } })]);
    expect([...found].sort()).toEqual(["10.0.0.11", "10.0.0.12", "key-host", "nnode3", "node2.lan"]);
    expect(found).toEqual(byJsonText([checked({ spec: { values } })]));
  });

  it("finds what a regex over each document's JSON text finds, for any document", () => {
    const piece = fc.constantFrom(
      ":9100",
      ":91000",
      "node1",
      "10.0.0.1",
      ".",
      "-",
      "_",
      "\n",
      "\\",
      '"',
      " ",
      "é",
      "\t",
    );
    const text = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(""));
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        text,
        fc.integer(),
        fc.constant(null),
        fc.constant(undefined),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(text, tie("value"), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(fc.array(fc.dictionary(text, json, { maxKeys: 4 }), { maxLength: 3 }), (docs) => {
        const documents = docs.map((d) => checked({ spec: d }));
        expect(scrapeTargets(documents)).toEqual(byJsonText(documents));
      }),
      { numRuns: 300 },
    );
  });
});
