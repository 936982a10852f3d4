/**
 * The published package: `npm run build` compiles lib/ and imports/ to JavaScript with type
 * declarations, and plain Node (no TypeScript loader) can use it through the package exports.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repo } from "../helpers/project.js";

const consumer = fs.mkdtempSync(path.join(os.tmpdir(), "package-consumer-"));
afterAll(() => fs.rmSync(consumer, { recursive: true, force: true }));

describe("the npm package", () => {
  it("builds, and a plain-JavaScript consumer imports it by name and synthesizes", () => {
    const out = path.join(consumer, "node_modules/cdk8s-homelab");
    const build = spawnSync(process.execPath, [path.join(repo, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", path.join(out, "build/pkg")], { cwd: repo, encoding: "utf8" });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    fs.copyFileSync(path.join(repo, "package.json"), path.join(out, "package.json"));
    // The consumer's own dependencies resolve from this repository's node_modules.
    fs.symlinkSync(path.join(repo, "node_modules"), path.join(out, "node_modules"));
    expect(fs.existsSync(path.join(out, "build/pkg/lib/index.d.ts"))).toBe(true);
    fs.writeFileSync(
      path.join(consumer, "main.mjs"),
      `import { Homelab, HomelabApp, IngressedService, renderKubernetes } from "cdk8s-homelab";
import { emitNix } from "cdk8s-homelab";
import { rolePresets } from "cdk8s-homelab/model";
const lab = Homelab.create({
  name: "t",
  network: { domain: "a.example.com", lan: "10.0.0.0/24", gateway: "10.0.0.1", metallbPool: "10.0.0.200-10.0.0.210", loadBalancerIps: { ingress: "10.0.0.200" } },
  hosts: [{ hostname: "n1", address: "10.0.0.10", roles: ["minimal-node", "k3s-server"] }],
  roles: rolePresets,
  kubernetes: { flux: { url: "https://github.com/x/y" }, certificates: { acmeEmail: "a@b.cd" } },
});
const app = new HomelabApp(lab);
new IngressedService(app.apps, "web", { image: "nginx:1.27.3", port: 8080 });
const { files } = renderKubernetes(app);
console.log(JSON.stringify({ k8s: [...files.keys()], nix: [...emitNix(lab).keys()], host: files.get("dist/apps/web.yaml").match(/host: (\\S+)/)[1] }));
`,
    );
    const run = spawnSync(process.execPath, ["main.mjs"], { cwd: consumer, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { k8s: string[]; nix: string[]; host: string };
    expect(result.k8s).toContain("dist/apps/web.yaml");
    expect(result.nix).toEqual(["nix/vars.nix", "nix/hosts/n1/roles.nix"]);
    expect(result.host).toBe("web.a.example.com");
  }, 120_000);
});
