/**
 * PromQL syntax, checked with Prometheus' own grammar (`@prometheus-io/lezer-promql`, the parser of
 * Prometheus' web UI). The parser never throws: it builds a tree with error nodes, so the first one is the
 * problem.
 */
import { parser } from "@prometheus-io/lezer-promql";

/** Where and why a PromQL expression does not parse. */
export interface PromqlSyntaxError {
  /** Offset of the first error in the expression. */
  readonly offset: number;
  /** What the error is, with the expression marked at the error. */
  readonly message: string;
}

/** The first syntax error of `expr`, or undefined when it parses. */
export function promqlSyntaxError(expr: string): PromqlSyntaxError | undefined {
  if (expr.trim() === "") return { offset: 0, message: "the expression is empty" };
  let offset: number | undefined;
  parser.parse(expr).iterate({
    enter: (node) => {
      if (offset !== undefined) return false;
      if (node.type.isError) offset = node.from;
      return undefined;
    },
  });
  if (offset === undefined) return undefined;
  const near = offset >= expr.length ? "at the end" : `at offset ${offset}, near "${expr.slice(offset, offset + 12)}"`;
  return { offset, message: `PromQL syntax error ${near}: ${expr.slice(0, offset)}<<HERE>>${expr.slice(offset)}` };
}
