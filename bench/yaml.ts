/**
 * The YAML emitter's benchmark: `emitYamlDocuments` (lib/yaml) against the `yaml`
 * package's `stringify` (lineWidth 0, indent 2, the layout it follows) on 2,000
 * Deployments and 500 ConfigMaps, the median of several rounds after a warm-up.
 * Before timing anything it checks that what it times is right: the stream parses
 * back to the same documents.
 *
 * usage: npm run bench:yaml [-- --deployments 2000]
 * Prints one line to stdout; exits 1 when the emitter's output does not parse back.
 */
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments, stringify } from "yaml";
import { emitYamlDocuments } from "../lib/yaml/index.js";

const argv = process.argv.slice(2);
const at = argv.indexOf("--deployments");
const deployments = at >= 0 ? Number(argv[at + 1]) : 2000;

/** `n` Deployments shaped like the ones synth writes, and a ConfigMap for every fourth. */
function benchDocs(n: number): unknown[] {
  const docs: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const name = `app${String(i).padStart(4, "0")}`;
    const labels = {
      "app.kubernetes.io/name": name,
      "app.kubernetes.io/instance": name,
      "app.kubernetes.io/part-of": "homelab",
    };
    docs.push({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name,
        namespace: "apps",
        labels,
        annotations: {
          "cdk8s-homelab/config-sha256": "3d4bba2543ba2c49aafd8b85aa13438538fb0fec0e4bd2000c2debe88c46c4c2",
        },
      },
      spec: {
        replicas: 1 + (i % 3),
        selector: { matchLabels: labels },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { fsGroup: 1000, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name,
                image: "ghcr.io/example/web:1.4.2",
                imagePullPolicy: "IfNotPresent",
                args: ["--port", "8080", "--log-level=info"],
                env: [
                  { name: "TZ", value: "Europe/Berlin" },
                  { name: "PORT", value: "8080" },
                  { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: `${name}-db-app`, key: "uri" } } },
                  { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
                ],
                ports: [{ containerPort: 8080, name: "http", protocol: "TCP" }],
                livenessProbe: {
                  httpGet: { path: "/healthz", port: "http" },
                  initialDelaySeconds: 10,
                  periodSeconds: 10,
                  failureThreshold: 3,
                },
                readinessProbe: { httpGet: { path: "/ready", port: "http" }, periodSeconds: 5 },
                resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
                volumeMounts: [
                  { name: "tmp", mountPath: "/tmp" },
                  { name: "config", mountPath: "/etc/web", readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: "tmp", emptyDir: {} },
              { name: "config", configMap: { name: `${name}-config` } },
            ],
          },
        },
      },
    });
    if (i % 4 === 0) {
      docs.push({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `${name}-config`, namespace: "apps", labels },
        data: {
          "config.yaml": `server:\n  port: 8080\n  name: ${name}\nlog:\n  level: info\n`,
          MODE: "production",
          WORKERS: "4",
        },
      });
    }
  }
  return docs;
}

/** The median wall time of `rounds` calls of `fn`, in ms, after one warm-up call. */
function time(fn: () => unknown, rounds: number): number {
  fn(); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const docs = benchDocs(deployments);
const emitted = emitYamlDocuments(docs);
const back = parseAllDocuments(emitted).map((d) => ("toJS" in d ? d.toJS() : d));
if (!isDeepStrictEqual(back, docs)) {
  process.stderr.write("emitYamlDocuments: the stream does not parse back to the same documents\n");
  process.exit(1);
}

const opts = { lineWidth: 0, indent: 2, aliasDuplicateObjects: false } as const;
const tYaml = time(() => docs.map((d) => stringify(d, opts)).join("---\n"), 3);
const tEmit = time(() => emitYamlDocuments(docs), 20);
process.stdout.write(
  `emitYamlDocuments: ${docs.length} documents, ${(emitted.length / 1024).toFixed(0)} KiB: ` +
    `yaml stringify ${tYaml.toFixed(1)} ms, emitYaml ${tEmit.toFixed(1)} ms, ${(tYaml / tEmit).toFixed(1)}x faster\n`,
);
