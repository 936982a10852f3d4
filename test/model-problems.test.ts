/** lib/model/problems.ts: the path and value wording every error message of the library shares. */
import { describe, expect, it } from "vitest";
import { describeValue, formatPath } from "../lib/model/problems.js";

describe("formatPath", () => {
  it("writes a path the way TypeScript does", () => {
    expect(formatPath(["hosts", 3, "address"])).toBe("hosts[3].address");
    expect(formatPath(["network", "loadBalancerIps", "my-ip"])).toBe('network.loadBalancerIps["my-ip"]');
    expect(formatPath([0, "a"])).toBe("[0].a");
    expect(formatPath([])).toBe("(root)");
  });
  it("goes on from an expression", () => {
    expect(formatPath(["spec", "containers", 0, "env"], "$")).toBe("$.spec.containers[0].env");
    expect(formatPath([1, "app.kubernetes.io/name"], "$")).toBe('$[1]["app.kubernetes.io/name"]');
    expect(formatPath([], "$")).toBe("$");
  });
});

describe("describeValue", () => {
  class Thing {}
  it("names the type where the value alone would not", () => {
    const cases: [unknown, string][] = [
      ["k3s-server", '"k3s-server"'],
      ["x".repeat(41), `"${"x".repeat(40)}…"`],
      [5, "number 5"],
      [Number.NaN, "number NaN"],
      [true, "boolean true"],
      [1n, "bigint 1n"],
      [null, "null"],
      [undefined, "undefined"],
      [Symbol("x"), "Symbol(x)"],
      [function build() {}, "function build"],
      [["a"], "a list"],
      [{ a: 1 }, "an object"],
      [Object.create(null), "an object"],
      [new Date(0), "instance of Date"],
      [new Thing(), "instance of Thing"],
    ];
    for (const [value, text] of cases) expect(describeValue(value), text).toBe(text);
  });
});
