/**
 * How long backups are kept, in CloudNativePG's retention syntax (`30d`, `4w`, `6m`):
 * a value type instead of a string, so `"30 days"` cannot reach the Cluster.
 */
import { describeValue } from "../../model/problems.js";

/** The units CloudNativePG's `retentionPolicy` takes: days, weeks, months. */
export type RetentionUnit = "d" | "w" | "m";

/** A backup retention period: `Retention.days(30)`, `Retention.weeks(4)`, `Retention.months(6)`. */
export class Retention {
  /** Keep backups this many days. */
  static days(amount: number): Retention {
    return new Retention(amount, "d");
  }

  /** Keep backups this many weeks. */
  static weeks(amount: number): Retention {
    return new Retention(amount, "w");
  }

  /** Keep backups this many months. */
  static months(amount: number): Retention {
    return new Retention(amount, "m");
  }

  private constructor(
    /** How many units. */
    readonly amount: number,
    readonly unit: RetentionUnit,
  ) {}

  /** CloudNativePG's form, e.g. "30d". */
  toString(): string {
    return `${this.amount}${this.unit}`;
  }
}

/** Why `value` cannot be the retention `prop`: not a Retention, or not a whole number of 1 or more. */
export function retentionProblem(prop: string, value: unknown): string | undefined {
  if (!(value instanceof Retention)) {
    const got = typeof value === "string" ? `the string ${JSON.stringify(value)}` : describeValue(value);
    return `${prop} must be a Retention, e.g. Retention.days(30), got ${got}`;
  }
  if (!Number.isInteger(value.amount) || value.amount < 1) {
    return `${prop} must be a whole number of days, weeks or months, 1 or more, got ${value.amount}${value.unit}`;
  }
  return undefined;
}
