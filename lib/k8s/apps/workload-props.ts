/**
 * Run-time checks of {@link WorkloadOptions}, the props every app construct shares. The
 * constructor renders from the checked values only (a wrong one is replaced by a harmless
 * stand-in), so no prop, however wrong, can make it throw; the problems stop synth before
 * anything is written.
 */
import { Size } from "cdk8s";
import { isRfc1123Subdomain } from "../../model/names.js";
import { describeValue } from "../../model/problems.js";
import type { Resources } from "../defaults.js";
import {
  booleanProblem,
  countProblem,
  envNameProblem,
  isPlainObject,
  isSize,
  keyPath,
  portProblem,
  propProblem,
  sizeProblem,
  stringProblem,
} from "../props.js";
import { EnvValue } from "./env-value.js";
import { HealthCheck } from "./health-check.js";
import type { PersistentStorage, WorkloadOptions } from "./workload.js";

/** The values a Workload renders from: every one of the right type. */
export interface CheckedWorkloadOptions {
  /** Every problem found, as `props.<path>: ...`. */
  readonly problems: readonly string[];
  readonly env: readonly [string, EnvValue][];
  readonly command: readonly string[] | undefined;
  readonly args: readonly string[] | undefined;
  readonly storage: PersistentStorage | undefined;
  readonly writablePaths: readonly string[];
  readonly healthCheck: HealthCheck;
  readonly resources: Resources | undefined;
}

/** A Secret's key: letters, digits, `-`, `_` and `.` (Kubernetes' `IsConfigMapKey`). */
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

/** Checks an env map; returns the entries that can be rendered. */
export function checkEnv(prop: string, env: unknown, problems: string[]): [string, EnvValue][] {
  if (env === undefined) return [];
  if (!isPlainObject(env)) {
    problems.push(propProblem(prop, `must be an object of NAME: value, got ${describeValue(env)}`));
    return [];
  }
  const out: [string, EnvValue][] = [];
  for (const [name, value] of Object.entries(env)) {
    const at = keyPath(prop, name);
    const nameProblem = envNameProblem(at, name);
    if (nameProblem !== undefined) {
      problems.push(nameProblem);
      continue;
    }
    if (typeof value === "string") {
      const p = stringProblem(at, value);
      if (p !== undefined) problems.push(p);
      else out.push([name, EnvValue.of(value)]);
    } else if (value instanceof EnvValue) {
      const p = envValueProblem(at, value);
      if (p !== undefined) problems.push(p);
      else out.push([name, value]);
    } else {
      problems.push(
        propProblem(
          at,
          `must be a string or an EnvValue (EnvValue.fromSecret(name, key), EnvValue.fromSopsSecret(name, key, purpose)), got ${describeValue(value)}`,
        ),
      );
    }
  }
  return out;
}

function envValueProblem(at: string, value: EnvValue): string | undefined {
  if (value.secret === undefined) return stringProblem(at, value.value);
  const { name, key, sopsPurpose } = value.secret;
  if (typeof name !== "string" || !isRfc1123Subdomain(name)) {
    return propProblem(
      at,
      `the Secret name ${describeValue(name)} is not a Kubernetes name (lowercase, digits, "-", ".")`,
    );
  }
  if (typeof key !== "string" || !SECRET_KEY.test(key)) {
    return propProblem(at, `the Secret key ${describeValue(key)} is not a key (letters, digits, "-", "_" and ".")`);
  }
  if (sopsPurpose !== undefined) return stringProblem(`${at} (purpose)`, sopsPurpose);
  return undefined;
}

/** Checks a list of strings; returns it when it can be rendered. */
function stringList(prop: string, value: unknown, problems: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    problems.push(propProblem(prop, `must be a list of strings, got ${describeValue(value)}`));
    return undefined;
  }
  const before = problems.length;
  value.forEach((s, i) => {
    const p = stringProblem(`${prop}[${i}]`, s);
    if (p !== undefined) problems.push(p);
  });
  return problems.length === before ? (value as string[]) : undefined;
}

/** Checks a {@link Resources}; returns what can be rendered (wrong memory sizes left out). */
export function checkResources(prop: string, value: unknown, problems: string[]): Resources | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    problems.push(propProblem(prop, `must be { cpu?, memory?, memoryLimit? }, got ${describeValue(value)}`));
    return undefined;
  }
  const known = ["cpu", "memory", "memoryLimit"];
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      problems.push(propProblem(keyPath(prop, key), "is not a field of the resources (cpu, memory, memoryLimit)"));
  }
  const out: { cpu?: unknown; memory?: Size; memoryLimit?: Size } = {};
  // cpu is checked by resourcesProblems (its messages predate these); a wrong one renders as the default.
  if (value.cpu !== undefined) out.cpu = value.cpu;
  for (const key of ["memory", "memoryLimit"] as const) {
    if (value[key] === undefined) continue;
    const p = sizeProblem(`${prop}.${key}`, value[key], "Mi");
    if (p !== undefined) problems.push(p);
    else out[key] = value[key] as Size;
  }
  const memory = out.memory?.toMebibytes() ?? 64;
  if (out.memoryLimit !== undefined && out.memoryLimit.toMebibytes() < memory) {
    problems.push(
      propProblem(`${prop}.memoryLimit`, `${out.memoryLimit.asString()} is less than the memory request ${memory}Mi`),
    );
  }
  return out as Resources;
}

/**
 * Checks every prop of {@link WorkloadOptions} that TypeScript alone would check, and returns the
 * values to render from. `image`, `port`, `replicas` and `runAsUser` keep the Workload's own checks.
 */
export function checkWorkloadOptions(props: WorkloadOptions): CheckedWorkloadOptions {
  const problems: string[] = [];
  const p = props as unknown as Record<string, unknown>;
  const add = (problem: string | undefined): void => {
    if (problem !== undefined) problems.push(problem);
  };
  if (typeof p.image === "string") add(stringProblem("image", p.image)); // not a string: imageProblem says so
  add(portProblem("port", p.port));
  if (p.replicas !== undefined) add(countProblem("replicas", p.replicas, 0));
  for (const key of ["namespace", "name"] as const) if (p[key] !== undefined) add(stringProblem(key, p[key]));
  for (const key of ["readOnlyRootFilesystem", "allowLowPorts"] as const) {
    if (p[key] !== undefined) add(booleanProblem(key, p[key]));
  }
  if (p.runAsUser !== undefined && typeof p.runAsUser !== "number") {
    add(propProblem("runAsUser", `must be a user id (a number), got ${describeValue(p.runAsUser)}`));
  }
  const env = checkEnv("env", p.env, problems);
  const command = stringList("command", p.command, problems);
  const args = stringList("args", p.args, problems);
  const writablePaths = stringList("writablePaths", p.writablePaths, problems) ?? [];
  let healthCheck = HealthCheck.http("/");
  if (p.healthCheck !== undefined) {
    if (p.healthCheck instanceof HealthCheck) healthCheck = p.healthCheck;
    else
      add(
        propProblem(
          "healthCheck",
          `must be a HealthCheck, e.g. HealthCheck.http("/healthz"), got ${describeValue(p.healthCheck)}`,
        ),
      );
  }
  add(healthCheck.problem("healthCheck"));
  let storage: PersistentStorage | undefined;
  if (p.storage !== undefined) {
    const s = p.storage;
    if (!isPlainObject(s)) {
      add(propProblem("storage", `must be { size, mountPath, storageClass? }, got ${describeValue(s)}`));
    } else {
      const sizeP = sizeProblem("storage.size", s.size);
      add(sizeP);
      const pathP = stringProblem("storage.mountPath", s.mountPath);
      add(pathP);
      const classP = s.storageClass === undefined ? undefined : stringProblem("storage.storageClass", s.storageClass);
      add(classP);
      if (classP === undefined && typeof s.storageClass === "string" && !isRfc1123Subdomain(s.storageClass)) {
        add(
          propProblem(
            "storage.storageClass",
            `"${s.storageClass}" is not a StorageClass name (lowercase, digits, "-", ".")`,
          ),
        );
      }
      for (const key of Object.keys(s)) {
        if (!["size", "mountPath", "storageClass"].includes(key)) {
          add(propProblem(keyPath("storage", key), "is not a field of the storage (size, mountPath, storageClass)"));
        }
      }
      storage = {
        size: sizeP === undefined && isSize(s.size) ? s.size : Size.gibibytes(1),
        mountPath: pathP === undefined ? (s.mountPath as string) : "/data",
        ...(classP === undefined && typeof s.storageClass === "string" ? { storageClass: s.storageClass } : {}),
      };
    }
  }
  const resources = checkResources("resources", p.resources, problems);
  return { problems, env, command, args, storage, writablePaths, healthCheck, resources };
}
