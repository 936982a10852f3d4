/**
 * Run-time checks of the props only `PostgresApp` has (`database`, `databaseEnv`, `backup`,
 * `ingress`); the props it shares with every app are checked by ./workload-props.ts. Each returns
 * what can be rendered, so a wrong value never makes the constructor throw.
 */
import { describeValue } from "../../model/problems.js";
import { envNameProblem, isPlainObject, keyPath, propProblem, sizeProblem, stringProblem } from "../props.js";
import type { IngressOptions } from "./ingressed-service.js";
import type { PostgresBackup, PostgresDatabaseOptions, PostgresSecretKey } from "./postgres-app.js";
import { PostgresBackupTarget as BackupTarget } from "./postgres-backup.js";
import { checkResources } from "./workload-props.js";

/** Checks `props.database`; returns the options to render from (wrong values left out, so defaults apply). */
export function checkDatabase(value: unknown, problems: string[]): PostgresDatabaseOptions {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    problems.push(propProblem("database", `must be an object, got ${describeValue(value)}`));
    return {};
  }
  const out: Record<string, unknown> = { ...value };
  for (const key of ["clusterName", "name", "owner", "storageClass", "imageName"] as const) {
    if (value[key] === undefined) continue;
    const p = stringProblem(`database.${key}`, value[key]);
    if (p !== undefined) {
      problems.push(p);
      delete out[key];
    }
  }
  if (value.size !== undefined) {
    const p = sizeProblem("database.size", value.size);
    if (p !== undefined) {
      problems.push(p);
      delete out.size;
    }
  }
  if (value.resources !== undefined) out.resources = checkResources("database.resources", value.resources, problems);
  const known = ["clusterName", "name", "owner", "instances", "size", "storageClass", "imageName", "resources"];
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      problems.push(propProblem(keyPath("database", key), "is not a field of the database options"));
  }
  return out as PostgresDatabaseOptions;
}

const SECRET_KEYS: readonly PostgresSecretKey[] = [
  "uri",
  "jdbc-uri",
  "host",
  "port",
  "dbname",
  "username",
  "password",
  "pgpass",
];

/** Checks `props.databaseEnv`; returns the entries to render. */
export function checkDatabaseEnv(
  value: unknown,
  defaults: Readonly<Partial<Record<PostgresSecretKey, string>>>,
  problems: string[],
): [PostgresSecretKey, string][] {
  if (value === undefined) return Object.entries(defaults) as [PostgresSecretKey, string][];
  if (!isPlainObject(value)) {
    problems.push(propProblem("databaseEnv", `must be an object of key: NAME, got ${describeValue(value)}`));
    return [];
  }
  const out: [PostgresSecretKey, string][] = [];
  for (const [key, name] of Object.entries(value)) {
    const at = keyPath("databaseEnv", key);
    if (!SECRET_KEYS.includes(key as PostgresSecretKey)) {
      problems.push(propProblem(at, `is not a key of the Secret CloudNativePG makes (${SECRET_KEYS.join(", ")})`));
    } else if (name !== undefined) {
      const p = envNameProblem(at, name);
      if (p !== undefined) problems.push(p);
      else out.push([key as PostgresSecretKey, name as string]);
    }
  }
  return out;
}

/** Checks `props.ingress`; returns it when it can be rendered. */
export function checkIngress(value: unknown, problems: string[]): IngressOptions | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    problems.push(propProblem("ingress", `must be { subdomain? }, got ${describeValue(value)}`));
    return undefined;
  }
  if (value.subdomain !== undefined) {
    const p = stringProblem("ingress.subdomain", value.subdomain);
    if (p !== undefined) {
      problems.push(p);
      return {};
    }
  }
  return value as IngressOptions;
}

/** Checks `props.backup`; returns it when it can be rendered. */
export function checkBackup(
  value: unknown,
  problems: string[],
): (PostgresBackup & { target?: BackupTarget }) | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    problems.push(propProblem("backup", `must be { schedule, target, immediate? }, got ${describeValue(value)}`));
    return undefined;
  }
  const out: Record<string, unknown> = { ...value };
  if (value.target !== undefined && !(value.target instanceof BackupTarget)) {
    problems.push(
      propProblem(
        "backup.target",
        `must be a PostgresBackupTarget, e.g. PostgresBackupTarget.barmanCloudPlugin({ objectStore }), got ${describeValue(value.target)}`,
      ),
    );
    delete out.target;
  }
  if (value.immediate !== undefined && typeof value.immediate !== "boolean") {
    problems.push(propProblem("backup.immediate", `must be true or false, got ${describeValue(value.immediate)}`));
    delete out.immediate;
  }
  return out as unknown as PostgresBackup;
}
