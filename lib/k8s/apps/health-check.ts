/**
 * How Kubernetes decides that a container is ready for traffic and still alive.
 */
import { Duration } from "cdk8s";
import { k8s } from "cdk8s-plus-30";

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

  /** The container's probes, against its port named `http`. */
  probes(): Probes {
    if (this.action === undefined) return {};
    const startupSeconds = (this.options.startupTimeout ?? Duration.minutes(5)).toSeconds();
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
    if (this.options.liveness === false) return { readinessProbe, startupProbe };
    const livenessProbe: k8s.Probe = {
      ...this.action,
      periodSeconds: 2 * PERIOD_SECONDS,
      timeoutSeconds: 5,
      failureThreshold: 3,
    };
    return { readinessProbe, livenessProbe, startupProbe };
  }
}
