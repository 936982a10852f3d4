/**
 * `AppCronJob`: a command run on a schedule in an app's own image, with the app's environment, user,
 * security context and volumes (a Kubernetes CronJob). For background work an app expects from
 * cron, e.g. Nextcloud's `cron.php` every five minutes. When the app has a ReadWriteOnce volume, the
 * job's pod is scheduled on the node that runs the app (pod affinity), the only node that can mount it.
 */
import { ApiObject, Duration } from "cdk8s";
import { Construct } from "constructs";
import type { Workload } from "./workload.js";

/** Props of an {@link AppCronJob}. */
export interface AppCronJobProps {
  /** The app whose image, environment, user and volumes the job runs with. */
  readonly workload: Workload;
  /** When to run: a Kubernetes cron schedule, five fields (`"*\/5 * * * *"` is every five minutes), or `@hourly`. */
  readonly schedule: string;
  /** The command, run in the app's image instead of its entrypoint, e.g. `["php", "-f", "/var/www/html/cron.php"]`. */
  readonly command: readonly string[];
  /**
   * How long one run may take before Kubernetes stops it (`activeDeadlineSeconds`).
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;
}

const DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/** Why `schedule` is not a Kubernetes CronJob schedule, or undefined. */
export function cronJobScheduleProblem(schedule: string): string | undefined {
  if (typeof schedule === "string" && DESCRIPTORS.includes(schedule)) return undefined;
  if (typeof schedule === "string" && /^[\d*/,\-A-Za-z?]+( [\d*/,\-A-Za-z?]+){4}$/.test(schedule.trim()))
    return undefined;
  return (
    `schedule ${JSON.stringify(schedule)} is not a cron schedule: ` +
    'write five fields, e.g. "*/5 * * * *", or @hourly'
  );
}

/** A CronJob in the app's image, environment and volumes; build it in the app's construct, it renders into its file. */
export class AppCronJob extends Construct {
  /** The CronJob (`batch/v1`), for escape hatches. */
  readonly cronJob: ApiObject;

  constructor(scope: Construct, id: string, props: AppCronJobProps) {
    super(scope, id);
    const w = props.workload;
    const name = `${w.name}-${id}`;
    // The job's pods talk to what the app talks to (its database, its APIs): the app's policy selects them too.
    w.networkPolicy.selectAlso(name);
    type PodSpec = Record<string, unknown> & { containers: Record<string, unknown>[] };
    const pod = (w.deployment.toJson() as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
    const app = pod.containers[0]!;
    const { readinessProbe: _r, livenessProbe: _l, startupProbe: _s, ports: _p, args: _a, ...container } = app;
    const timeout = props.timeout ?? Duration.minutes(10);
    const affinity =
      w.claim === undefined
        ? {}
        : {
            affinity: {
              podAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  {
                    labelSelector: { matchLabels: { "app.kubernetes.io/name": w.name } },
                    topologyKey: "kubernetes.io/hostname",
                  },
                ],
              },
            },
          };
    // The pod spec is the app's as rendered (plain JSON), so the CronJob is a plain ApiObject: the typed L1 class
    // would re-serialize rendered quantities.
    this.cronJob = new ApiObject(this, "cron-job", {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name, namespace: w.namespace, labels: { ...w.labels } },
      spec: {
        schedule: props.schedule,
        // One run at a time; a missed run is not made up for later.
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: 300,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 1,
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: timeout.toSeconds(),
            template: {
              metadata: {
                labels: {
                  "app.kubernetes.io/name": name,
                  "app.kubernetes.io/part-of": w.labels["app.kubernetes.io/part-of"] ?? "",
                },
              },
              spec: {
                ...pod,
                ...affinity,
                restartPolicy: "Never",
                containers: [{ ...container, name: id, command: [...props.command] }],
              },
            },
          },
        },
      },
    });
    this.node.addValidation({
      validate: () => {
        const problem = cronJobScheduleProblem(props.schedule);
        const problems = problem === undefined ? [] : [problem];
        if (props.command.length === 0) problems.push("command is empty: give the program and its arguments");
        return problems;
      },
    });
  }
}
