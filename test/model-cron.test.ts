/** lib/model/cron.ts: the one cron validator, CloudNativePG's six fields with seconds first. */
import { describe, expect, it } from "vitest";
import { cronScheduleProblem } from "../lib/model/cron.js";

describe("cronScheduleProblem", () => {
  it("accepts six-field schedules, names, steps, lists, ranges, ? and descriptors", () => {
    const ok = [
      "0 0 3 * * *",
      "59 59 23 31 12 6",
      "0 0 0 1 1 0",
      "0 30 2 * * SUN",
      "*/30 0 1-5 ? JAN-MAR 1,3,5",
      "0 0 */6 * * mon-fri",
      "0 5/15 * * * *",
      "  0 0 3 * * *  ",
      "@daily",
      "@midnight",
      "@every 12h",
      "@every 1h30m",
    ];
    for (const schedule of ok) expect(cronScheduleProblem(schedule), schedule).toBeUndefined();
  });

  it("names the field that is out of its range, for every field", () => {
    const cases: [string, string][] = [
      ["99 0 3 * * *", 'has an invalid seconds field "99": "99" is out of 0-59'],
      ["0 60 3 * * *", 'has an invalid minutes field "60": "60" is out of 0-59'],
      ["0 0 24 * * *", 'has an invalid hours field "24": "24" is out of 0-23'],
      ["0 0 3 0 * *", 'has an invalid day of month field "0": "0" is out of 1-31'],
      ["0 0 3 32 * *", 'has an invalid day of month field "32": "32" is out of 1-31'],
      ["0 0 3 * 13 *", 'has an invalid month field "13": "13" is out of 1-12 or JAN-DEC'],
      ["0 0 3 * 0 *", 'has an invalid month field "0": "0" is out of 1-12 or JAN-DEC'],
      ["0 0 3 * * 7", 'has an invalid day of week field "7": "7" is out of 0-6 or SUN-SAT'],
      ["0 0 3 * * 1-9", 'has an invalid day of week field "1-9": "1-9" is out of 0-6 or SUN-SAT'],
      ["0 0,61 3 * * *", 'has an invalid minutes field "0,61": "61" is out of 0-59'],
    ];
    for (const [schedule, problem] of cases) expect(cronScheduleProblem(schedule), schedule).toBe(problem);
  });

  it("refuses bad steps, backward ranges, words, ? outside the day fields and unknown descriptors", () => {
    expect(cronScheduleProblem("*/0 0 3 * * *")).toBe(
      'has an invalid seconds field "*/0": the step in "*/0" must be a whole number from 1',
    );
    expect(cronScheduleProblem("0 0 5-3 * * *")).toBe(
      'has an invalid hours field "5-3": the range "5-3" runs backwards',
    );
    expect(cronScheduleProblem("0 0 3 * * FUNDAY")).toMatch(/^has an invalid day of week field "FUNDAY"/);
    expect(cronScheduleProblem("? 0 3 * * *")).toMatch(/^has an invalid seconds field "\?"/);
    expect(cronScheduleProblem("@fortnightly")).toMatch(/^is not a known descriptor/);
    expect(cronScheduleProblem("@every soon")).toMatch(/^is not a known descriptor/);
  });

  it("refuses a five-field (Kubernetes CronJob) schedule and says how to write it", () => {
    expect(cronScheduleProblem("0 3 * * *")).toBe(
      'has 5 fields; CloudNativePG needs six, seconds first ("sec min hour day-of-month month day-of-week", ' +
        'e.g. "0 0 3 * * *" for 03:00 daily); for this schedule write "0 0 3 * * *"',
    );
    expect(cronScheduleProblem("")).toMatch(/^has 0 fields;/);
    expect(cronScheduleProblem("daily")).toMatch(/^has 1 field;/);
  });
});
