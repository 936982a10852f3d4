/**
 * How Kubernetes decides that a container is ready for traffic and still alive.
 */
import { Duration } from "cdk8s";
import { k8s } from "cdk8s-plus-30";
import { describeValue } from "../../model/problems.js";
import { durationProblem } from "../duration.js";
import { propProblem, stringProblem } from "../props.js";

/** Options for {@link HealthCheck.http}. */
export interface HttpHealthCheckOptions {
  /**
   * Also restart the container when the check keeps failing (a liveness probe), not only take it out of the Service.
   * @default true
   */
  readonly liveness?: boolean;
  /**
   * How long the app may take to answer for the first time (a startup probe; liveness starts after it).
   * Raise it for apps that migrate a database on start.
   * @default Duration.minutes(5)
   */
  readonly startupTimeout?: Duration;
}

/** The probes of one container, as {@link HealthCheck.probes} returns them (a probe left out is not set). */
export interface Probes {
  readonly readinessProbe?: k8s.Probe;
  readonly livenessProbe?: k8s.Probe;
  readonly startupProbe?: k8s.Probe;
}

const PERIOD_SECONDS = 10;

/** A container's health check. */
export class HealthCheck {
  /**
   * HTTP GET `path` on the container's port: ready (and alive) while it answers 200-399.
   * @param path request path, e.g. `/healthz`.
   */
  static http(path = "/", options: HttpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ httpGet: { path, port: k8s.IntOrString.fromString("http") } }, options);
  }

  /** A TCP connection to the container's port: for apps that do not speak HTTP. */
  static tcp(options: HttpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ tcpSocket: { port: k8s.IntOrString.fromString("http") } }, options);
  }

  /** No probes: Kubernetes sends traffic as soon as the container runs. */
  static none(): HealthCheck {
    return new HealthCheck(undefined, {});
  }

  private constructor(
    private readonly action: Pick<k8s.Probe, "httpGet" | "tcpSocket"> | undefined,
    private readonly options: HttpHealthCheckOptions,
  ) {}

  /**
   * Why this health check cannot be rendered (its options came from plain JavaScript), or undefined.
   * @param prop the prop it was given as, e.g. `healthCheck`
   */
  problem(prop: string): string | undefined {
    const options: unknown = this.options;
    if (options === null || typeof options !== "object") {
      return propProblem(prop, `the options must be { liveness?, startupTimeout? }, got ${describeValue(options)}`);
    }
    const path = this.action?.httpGet?.path;
    if (this.action?.httpGet !== undefined) {
      const p = stringProblem(`${prop} (path)`, path);
      if (p !== undefined) return p;
      if (!(path as string).startsWith("/")) return propProblem(prop, `the path "${path}" must start with "/"`);
    }
    const timeout = this.options.startupTimeout;
    if (timeout !== undefined) {
      const d = durationProblem("startupTimeout", timeout);
      if (d !== undefined) return propProblem(prop, d);
      if (timeout.toSeconds({ integral: false }) > 86_400)
        return propProblem(prop, "startupTimeout is longer than a day");
    }
    if (this.options.liveness !== undefined && typeof this.options.liveness !== "boolean") {
      return propProblem(prop, `liveness must be true or false, got ${describeValue(this.options.liveness)}`);
    }
    return undefined;
  }

  /** The container's probes, against its port named `http`. */
  probes(): Probes {
    if (this.action === undefined) return {};
    // A wrong timeout (reported by problem()) renders as the default; nothing is written then.
    const given = this.options?.startupTimeout;
    const timeout = given !== undefined && durationProblem("startupTimeout", given) === undefined ? given : undefined;
    const startupSeconds = (timeout ?? Duration.minutes(5)).toSeconds({ integral: false });
    const readinessProbe: k8s.Probe = {
      ...this.action,
      periodSeconds: PERIOD_SECONDS,
      timeoutSeconds: 3,
      failureThreshold: 3,
    };
    const startupProbe: k8s.Probe = {
      ...this.action,
      periodSeconds: PERIOD_SECONDS,
      timeoutSeconds: 3,
      failureThreshold: Math.max(1, Math.ceil(startupSeconds / PERIOD_SECONDS)),
    };
    if (this.options?.liveness === false) return { readinessProbe, startupProbe };
    const livenessProbe: k8s.Probe = {
      ...this.action,
      periodSeconds: 2 * PERIOD_SECONDS,
      timeoutSeconds: 5,
      failureThreshold: 3,
    };
    return { readinessProbe, livenessProbe, startupProbe };
  }
}
