/**
 * The catalogue of bad inputs: each case is a lab a user could write (a spec, constructs, raw
 * objects, SOPS files) that synth must refuse with a message naming the offending value by its
 * path, exit code 1, no stack trace, and nothing written or deleted.
 *
 * Every case runs the real writer (`runCli`) on one project that holds the fixture lab's good
 * output; after each case the project's files must be byte-identical to that output.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "vitest";
import type { HomelabApp } from "../../lib/k8s/homelab-app.js";
import type { SopsFile } from "../../lib/k8s/sops.js";
import { runCli } from "../../lib/synth/cli.js";
import type { LabDefinition } from "../../lib/synth/render.js";
import { homelab } from "../fixtures/lab/homelab.js";
import { defineKubernetes } from "../fixtures/lab/kubernetes.js";

/** One bad input and what synth must say about it. */
export interface BadInput {
  /** What the user did wrong, as the test's title. */
  readonly name: string;
  /** Changes a deep copy of the fixture spec. @default no change */
  readonly spec?: (spec: any) => void;
  /** Builds the Kubernetes side. @default the fixture lab's constructs */
  readonly kubernetes?: (app: HomelabApp) => void;
  /** SOPS files to carry. @default none */
  readonly sopsFiles?: readonly SopsFile[];
  /** The path of the offending value, as the message must name it (e.g. `hosts[0].tags[0]`). */
  readonly path: string;
  /** What the message must also say (the problem or the fix). */
  readonly message: RegExp;
}

/** A project with the fixture lab's good output in it, to run bad inputs against. */
export class CatalogueProject {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-catalogue-"));
  private readonly before: Map<string, string>;

  constructor() {
    const code = runCli(
      { spec: homelab, source: "apps/homelab.ts", kubernetes: defineKubernetes },
      { root: this.root, out: () => {}, err: () => {} },
    );
    if (code !== 0) throw new Error("the fixture lab does not synthesize");
    this.before = this.snapshot();
  }

  /** Every file under the project, path -> text. */
  snapshot(): Map<string, string> {
    const files = new Map<string, string>();
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const abs = path.join(dir, e.name);
        if (e.isDirectory()) walk(abs);
        else files.set(path.relative(this.root, abs), fs.readFileSync(abs, "utf8"));
      }
    };
    walk(this.root);
    return files;
  }

  /** Runs synth on the bad input; asserts exit 1, the path and message, no stack trace, nothing written. */
  expectRefused(bad: BadInput): string {
    const spec = structuredClone(homelab) as any;
    bad.spec?.(spec);
    const def: LabDefinition = {
      spec,
      source: "apps/homelab.ts",
      kubernetes: bad.kubernetes ?? defineKubernetes,
      sopsFiles: bad.sopsFiles ?? [],
    };
    let stderr = "";
    const code = runCli(def, { root: this.root, out: () => {}, err: (t) => void (stderr += t) });
    expect(code, stderr).toBe(1);
    expect(stderr).toContain(bad.path);
    expect(stderr).toMatch(bad.message);
    expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(stderr).not.toContain("synth failed");
    expect(this.snapshot()).toEqual(this.before);
    return stderr;
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
