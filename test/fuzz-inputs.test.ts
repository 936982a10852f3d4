/**
 * Property-based fuzzing of the inputs (fast-check): thousands of mutated specs and construct
 * props (type swaps, NUL bytes and lone surrogates, huge, negative and non-finite numbers,
 * missing keys, extra keys, wrong nesting) through the real writer, `runCli`, in one project.
 * Every run must end in success or a message: exit 0 or 1, never "synth failed" or a stack frame
 * in stderr, never a partial write (after a refusal the project's files are byte for byte what
 * they were; after a success they are exactly the new render).
 *
 * The seed is fixed so a failure replays; the run counts keep it well under a minute.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Duration, Size } from "cdk8s";
import { Cpu } from "cdk8s-plus-30";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import {
  EnvValue,
  HealthCheck,
  IngressedService,
  PostgresApp,
  PostgresBackupTarget,
  Retention,
  WireGuardGateway,
  Workload,
} from "../lib/k8s/index.js";
import { runCli } from "../lib/synth/cli.js";
import { render, type LabDefinition } from "../lib/synth/render.js";
import { homelab } from "./fixtures/lab/homelab.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

// ---- the project the runs write into --------------------------------------------------------

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-fuzz-"));
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function snapshot(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else files.set(path.relative(root, abs).split(path.sep).join("/"), fs.readFileSync(abs, "utf8"));
    }
  };
  walk(root);
  return files;
}

/** Generous: the runs take well under a minute, but the machine may be busy with the other test files. */
const TIMEOUT_MS = 240_000;

/** Runs synth on `def`; asserts success or a message, and the old tree or the complete new one. */
function synthOnce(def: () => LabDefinition): void {
  const before = snapshot();
  let stderr = "";
  const code = runCli(def(), { root, out: () => {}, err: (t) => void (stderr += t) });
  expect([0, 1], stderr).toContain(code);
  expect(stderr).not.toContain("synth failed");
  expect(stderr).not.toMatch(STACK_FRAME);
  const after = snapshot();
  if (code === 1) {
    expect(stderr.trim().length).toBeGreaterThan(0);
    expect(after).toEqual(before);
  } else {
    expect(after).toEqual(new Map(render(def()).files));
  }
}

// ---- weird values ---------------------------------------------------------------------------

/** Strings a user could paste: NUL bytes, lone surrogates, control characters, long, empty. */
const weirdString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("", " ", "\0", "a\0b", "\ud800", "x\udc00y", "\u202e", "\n", "-", "..", "/", "A", "Ü", "10GB"),
  fc.string({ unit: "binary", maxLength: 8 }),
  fc.constant("x".repeat(300)),
);

/** Numbers at the edges. */
const weirdNumber = fc.oneof(
  fc.integer({ min: -100_000, max: 100_000 }),
  fc.constantFrom(0, -0, -1, 1, 0.5, 65535, 65536, 2 ** 31, 2 ** 53, 1e308, Number.NaN, Infinity, -Infinity),
  fc.double(),
);

/** Any value a JSON file, or `as any`, can bring: type swaps and wrong nesting. */
const weirdValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    weirdString,
    weirdNumber,
    fc.constantFrom(true, false, null, undefined, 10n),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(weirdString, tie("value"), { maxKeys: 3 }),
  ),
})).value;

// ---- mutations ------------------------------------------------------------------------------

type Mutation =
  | { kind: "replace"; pick: number; value: unknown }
  | { kind: "delete"; pick: number }
  | { kind: "extra"; pick: number; key: string; value: unknown }
  | { kind: "wrap"; pick: number; inList: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), pick: fc.nat(), value: weirdValue }),
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("extra" as const), pick: fc.nat(), key: weirdString, value: weirdValue }),
  fc.record({ kind: fc.constant("wrap" as const), pick: fc.nat(), inList: fc.boolean() }),
);

type Container = Record<string | number, unknown>;

/** Every (container, key) in plain objects and lists of `value` (class instances are left whole). */
function slots(value: unknown): [Container, string | number][] {
  const out: [Container, string | number][] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push([v as unknown as Container, i]);
        walk(x);
      });
    } else if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, x] of Object.entries(v)) {
        out.push([v as Container, k]);
        walk(x);
      }
    }
  };
  walk(value);
  return out;
}

/** A copy of the plain lists and objects in `v` (class instances shared), so a value is never mutated twice. */
function copy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copy);
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
  }
  return v;
}

/** Applies the mutations in place, each at a slot picked among the ones there are then. */
function mutate(target: object, mutations: readonly Mutation[]): void {
  for (const m of mutations) {
    const all = slots(target);
    if (all.length === 0) return;
    const [container, key] = all[m.pick % all.length]!;
    switch (m.kind) {
      case "replace":
        container[key] = copy(m.value);
        break;
      case "delete":
        if (Array.isArray(container)) container.splice(key as number, 1);
        else delete container[key];
        break;
      case "extra":
        if (!Array.isArray(container)) container[m.key] = copy(m.value);
        else container.push(copy(m.value));
        break;
      case "wrap":
        container[key] = m.inList ? [container[key]] : { value: container[key] };
        break;
    }
  }
}

// ---- the lab --------------------------------------------------------------------------------

/** A small Kubernetes side: cheap to render, with the constructs whose props are fuzzed below. */
function smallKubernetes(app: HomelabApp): void {
  new IngressedService(app.apps, "whoami", { image: "traefik/whoami:v1.10.3", port: 8080, subdomain: "who" });
}

/** Props for the app constructs, with class instances (Size, HealthCheck, EnvValue) among plain data. */
function appProps(): Record<string, unknown> {
  return {
    image: "ghcr.io/example/app:1.2.3",
    port: 8080,
    replicas: 1,
    namespace: "app",
    env: { LOG_LEVEL: "info", TOKEN: EnvValue.fromSopsSecret("app-token", "token", "API token") },
    command: ["/app"],
    args: ["--serve"],
    storage: { size: Size.gibibytes(5), mountPath: "/data", storageClass: "longhorn" },
    writablePaths: ["/tmp"],
    runAsUser: 1000,
    readOnlyRootFilesystem: true,
    allowLowPorts: false,
    resources: { cpu: Cpu.millis(100), memory: Size.mebibytes(128), memoryLimit: Size.mebibytes(512) },
    healthCheck: HealthCheck.http("/healthz", { startupTimeout: Duration.minutes(2) }),
  };
}

/** Values only a typed construct prop can hold, to swap in among the plain weird ones. */
const instanceValue = fc.constantFrom<() => unknown>(
  () => Size.gibibytes(Number.NaN),
  () => Size.gibibytes(0),
  () => Size.kibibytes(0.5),
  () => Size.mebibytes(1.5),
  () => Size.tebibytes(1e9),
  () => Size.gibibytes(1),
  () => Cpu.millis(-5),
  () => Cpu.millis(0.5),
  () => HealthCheck.http("no-slash"),
  () => HealthCheck.http("/", { startupTimeout: Duration.millis(0.5) }),
  () => HealthCheck.tcp({ startupTimeout: "5m" as never }),
  () => HealthCheck.none(),
  () => EnvValue.of("\0"),
  () => EnvValue.fromSecret("Not A Name", "key"),
  () => EnvValue.fromSopsSecret("ok", "bad key", "\ud800"),
  () => PostgresBackupTarget.barmanObjectStore({ destinationPath: "nope", credentialsSecret: "s3" }),
  () =>
    PostgresBackupTarget.barmanObjectStore({
      destinationPath: "s3://b/p",
      credentialsSecret: "s3",
      retentionPolicy: Retention.days(-1),
    }),
  () => Duration.millis(0),
);

const propMutation = fc.oneof(
  mutation,
  fc.record({
    kind: fc.constant("replace" as const),
    pick: fc.nat(),
    value: instanceValue.map((make) => make()),
  }),
);

const construct = fc.constantFrom("workload", "ingressed", "postgres", "wireguard");

function build(app: HomelabApp, which: string, props: Record<string, unknown>): void {
  switch (which) {
    case "workload":
      new Workload(app.apps, "app", props as never);
      break;
    case "ingressed":
      new IngressedService(app.apps, "app", props as never);
      break;
    case "postgres":
      new PostgresApp(app.apps, "app", {
        ...props,
        storage: undefined,
        database: { instances: 1, size: Size.gibibytes(5), name: "app", resources: props.resources },
        databaseEnv: { password: "DB_PASSWORD", host: "DB_HOST" },
        backup: {
          schedule: "0 0 3 * * *",
          target: PostgresBackupTarget.barmanCloudPlugin({ objectStore: "minio" }),
        },
        ingress: { subdomain: "app" },
      } as never);
      break;
    default:
      new WireGuardGateway(app.apps, "wireguard", {
        image: props.image,
        namespace: props.namespace,
        reservation: "wireguard",
        masquerade: props.readOnlyRootFilesystem,
        resources: props.resources,
      } as never);
  }
}

describe("fuzzing the inputs through runCli: success or a message, never a crash or a partial write", () => {
  it(
    "mutated specs (type swaps, NUL/surrogates, edge numbers, missing, extra and re-nested keys)",
    () => {
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
          const spec = structuredClone(homelab) as object;
          mutate(spec, mutations);
          synthOnce(() => ({ spec, source: "apps/homelab.ts", kubernetes: smallKubernetes }));
        }),
        { seed: SEED, numRuns: Number(process.env.FUZZ_RUNS ?? 1200) },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "mutated construct props (Workload, IngressedService, PostgresApp, WireGuardGateway)",
    () => {
      fc.assert(
        fc.property(construct, fc.array(propMutation, { minLength: 1, maxLength: 3 }), (which, mutations) => {
          synthOnce(() => ({
            spec: homelab,
            source: "apps/homelab.ts",
            kubernetes: (app) => {
              // The same mutations on fresh props each time, so the second render sees the same lab.
              const props = appProps();
              mutate(props, mutations);
              build(app, which, props);
            },
          }));
        }),
        { seed: SEED + 1, numRuns: Number(process.env.FUZZ_RUNS ?? 800) },
      );
    },
    TIMEOUT_MS,
  );
});
