/**
 * Cron schedules the way CloudNativePG reads a ScheduledBackup's `spec.schedule`
 * (robfig/cron's `Parse`): six fields with seconds first,
 * `sec min hour day-of-month month day-of-week`, or a descriptor (`@daily`, `@every 12h`).
 * A five-field Kubernetes CronJob schedule would be read seconds-first, at the wrong time,
 * so it is refused with the six-field form to write instead.
 */

/** One field of a six-field schedule: its name, range and the names it may use for its values. */
interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names for min, min + 1, ... (`JAN` is 1, `SUN` is 0), matched without regard to case. */
  readonly names?: readonly string[];
  /** `?` ("no specific value") is allowed, as `*`. */
  readonly question?: boolean;
}

const FIELDS: readonly CronField[] = [
  { name: "seconds", min: 0, max: 59 },
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31, question: true },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
  },
  { name: "day of week", min: 0, max: 6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], question: true },
];

const DESCRIPTORS = /^@(?:yearly|annually|monthly|weekly|daily|midnight|hourly)$/;
/** `@every <Go duration>`, e.g. `@every 12h`, `@every 1h30m`. */
const EVERY = /^@every ((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$/;

/**
 * Why `schedule` is not a schedule CloudNativePG takes, as a phrase to follow the schedule in a
 * message (`"0 61 3 * * *" <phrase>`), or undefined when it is one.
 */
export function cronScheduleProblem(schedule: string): string | undefined {
  if (schedule.startsWith("@")) {
    if (DESCRIPTORS.test(schedule) || EVERY.test(schedule)) return undefined;
    return "is not a known descriptor (@yearly, @monthly, @weekly, @daily, @hourly, @every 12h, ...)";
  }
  const fields = schedule
    .trim()
    .split(/\s+/)
    .filter((f) => f !== "");
  if (fields.length !== FIELDS.length) {
    const hint = fields.length === 5 ? `; for this schedule write "0 ${fields.join(" ")}"` : "";
    return (
      `has ${fields.length} field${fields.length === 1 ? "" : "s"}; CloudNativePG needs six, seconds first ` +
      `("sec min hour day-of-month month day-of-week", e.g. "0 0 3 * * *" for 03:00 daily)${hint}`
    );
  }
  for (let i = 0; i < FIELDS.length; i++) {
    const problem = fieldProblem(fields[i]!, FIELDS[i]!);
    if (problem !== undefined) return `has an invalid ${FIELDS[i]!.name} field "${fields[i]}": ${problem}`;
  }
  return undefined;
}

/** Why `text` (`*`, `5`, `1-5`, `*\/15`, `MON-FRI`, `1,15`) is not a valid value of `field`, or undefined. */
function fieldProblem(text: string, field: CronField): string | undefined {
  const value = (s: string): number | undefined => {
    if (/^\d+$/.test(s)) return Number(s);
    const i = field.names?.indexOf(s.toUpperCase()) ?? -1;
    return i < 0 ? undefined : field.min + i;
  };
  for (const part of text.split(",")) {
    const [range, step, extra] = part.split("/");
    if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) {
      return `the step in "${part}" must be a whole number from 1`;
    }
    if (range === "*" || (range === "?" && field.question === true)) continue;
    const bounds = range!.split("-");
    if (bounds.length > 2) return `"${range}" is not a value or a range`;
    const numbers = bounds.map(value);
    if (numbers.some((n) => n === undefined || n < field.min || n > field.max)) {
      const names = field.names === undefined ? "" : ` or ${field.names[0]}-${field.names[field.names.length - 1]}`;
      return `"${range}" is out of ${field.min}-${field.max}${names}`;
    }
    if (numbers.length === 2 && numbers[0]! > numbers[1]!) return `the range "${range}" runs backwards`;
  }
  return undefined;
}
