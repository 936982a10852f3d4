/** AppCronJob: a scheduled command in an app's image, environment and volumes; bad schedules are refused. */
import { describe, expect, it } from "vitest";
import { AppCronJob, Workload } from "../lib/k8s/apps/index.js";
import { constructProblems, one, renderApps } from "./helpers/k8s.js";

const base = { image: "ghcr.io/example/app:1.2.3", port: 8080, env: { MODE: "worker" } };

describe("AppCronJob", () => {
  it("runs in the app's image and environment; without a volume it may run on any node", () => {
    const { docs } = renderApps((app) => {
      const w = new Workload(app.apps, "app", base);
      new AppCronJob(w, "sweep", { workload: w, schedule: "@hourly", command: ["/app", "sweep"] });
    });
    const cron = one(docs, "CronJob");
    expect(cron.metadata.name).toBe("app-sweep");
    const job = cron.spec.jobTemplate.spec;
    expect(job.activeDeadlineSeconds).toBe(600);
    expect(job.template.spec.affinity).toBeUndefined();
    expect(job.template.spec.containers[0]).toMatchObject({
      name: "sweep",
      image: "ghcr.io/example/app:1.2.3",
      command: ["/app", "sweep"],
      env: [{ name: "MODE", value: "worker" }],
    });
    expect(job.template.spec.containers[0].ports).toBeUndefined();
  });

  it("refuses a schedule that is not five cron fields and an empty command, naming both", () => {
    const problems = constructProblems((app) => {
      const w = new Workload(app.apps, "app", base);
      new AppCronJob(w, "sweep", { workload: w, schedule: "0 0 3 * * *", command: [] });
    });
    expect(problems).toEqual([
      '[apps/app/sweep] schedule "0 0 3 * * *" is not a cron schedule: ' +
        'write five fields, e.g. "*/5 * * * *", or @hourly',
      "[apps/app/sweep] command is empty: give the program and its arguments",
    ]);
  });
});
