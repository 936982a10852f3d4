/** Renovate's regex manager (renovate.json) finds every chart and image the library pins. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { WIREGUARD_IMAGE } from "../lib/k8s/apps/wireguard-gateway.js";
import { CHARTS } from "../lib/k8s/infrastructure/charts.js";
import { labTemplates } from "../lib/cli/init/templates.js";
import { RENOVATE_CONFIG } from "../lib/versions/renovate.js";
import { repo } from "./helpers/project.js";

interface Pin {
  datasource: string;
  depName: string;
  registryUrl?: string;
  currentValue: string;
}

/** What Renovate's regex manager extracts from a file: every match of every matchStrings entry. */
function extract(config: typeof RENOVATE_CONFIG, text: string): Pin[] {
  const pins: Pin[] = [];
  for (const manager of config.customManagers) {
    for (const source of manager.matchStrings) {
      for (const m of text.matchAll(new RegExp(source, "g"))) {
        const g = m.groups!;
        pins.push({
          datasource: g["datasource"]!,
          depName: g["depName"]!,
          currentValue: g["currentValue"]!,
          ...(g["registryUrl"] ? { registryUrl: g["registryUrl"] } : {}),
        });
      }
    }
  }
  return pins;
}

/** The files under lib/ the managers' file patterns select. */
function managedFiles(config: typeof RENOVATE_CONFIG): string[] {
  const patterns = config.customManagers.flatMap((m) => m.managerFilePatterns.map((p) => new RegExp(p.slice(1, -1))));
  return fs
    .readdirSync(path.join(repo, "lib"), { recursive: true, encoding: "utf8" })
    .map((f) => `lib/${f.split(path.sep).join("/")}`)
    .filter((f) => patterns.some((re) => re.test(f)));
}

const config = RENOVATE_CONFIG;
const pins = managedFiles(config).flatMap((f) => extract(config, fs.readFileSync(path.join(repo, f), "utf8")));

describe("renovate.json", () => {
  it("is the configuration in this repository and in every lab init makes", () => {
    expect(JSON.parse(fs.readFileSync(path.join(repo, "renovate.json"), "utf8"))).toEqual(config);
    expect(JSON.parse(labTemplates({ name: "x", packageSpec: "^1" }).get("renovate.json")!)).toEqual(config);
  });

  it.each(Object.entries(CHARTS))("finds the pinned chart %s with its version and registry", (_key, chart) => {
    const source = chart as unknown as { readonly url: string; readonly chart?: string; readonly version: string };
    const oci = source.url.startsWith("oci://");
    const expected = oci
      ? { datasource: "docker", depName: source.url.slice("oci://".length), currentValue: source.version }
      : { datasource: "helm", depName: source.chart, registryUrl: source.url, currentValue: source.version };
    expect(pins).toContainEqual(expected);
  });

  it("finds the pinned images with their tags", () => {
    const [repository, tag] = [
      WIREGUARD_IMAGE.slice(0, WIREGUARD_IMAGE.lastIndexOf(":")),
      WIREGUARD_IMAGE.slice(WIREGUARD_IMAGE.lastIndexOf(":") + 1),
    ];
    expect(pins).toContainEqual({ datasource: "docker", depName: repository, currentValue: tag });
  });

  it("finds a lab's own pins: an object field, a const, an exported const", () => {
    const text = [
      "// renovate: datasource=docker depName=docker.io/library/nextcloud",
      'const NEXTCLOUD = "32.0.1-apache";',
      "  // renovate: datasource=docker depName=ghcr.io/miniflux/miniflux versioning=semver",
      '  export const miniflux = "2.2.6";',
      "// renovate: datasource=helm depName=podinfo registryUrl=https://stefanprodan.github.io/podinfo",
      '  "podinfo-chart": "6.9.2",',
      "// a comment that is not a pin",
      'const other = "1.0.0";',
    ].join("\n");
    expect(extract(config, text)).toEqual([
      { datasource: "docker", depName: "docker.io/library/nextcloud", currentValue: "32.0.1-apache" },
      { datasource: "docker", depName: "ghcr.io/miniflux/miniflux", currentValue: "2.2.6" },
      {
        datasource: "helm",
        depName: "podinfo",
        registryUrl: "https://stefanprodan.github.io/podinfo",
        currentValue: "6.9.2",
      },
    ]);
  });

  it("finds nothing it cannot place: every pin it finds is a chart or an image the library uses", () => {
    const charts = Object.values(CHARTS).map((c) => (c as unknown as { version: string }).version);
    for (const pin of pins)
      expect([...charts, WIREGUARD_IMAGE.split(":").pop()], pin.depName).toContain(pin.currentValue);
    expect(pins.length).toBe(Object.keys(CHARTS).length + 1);
  });
});
