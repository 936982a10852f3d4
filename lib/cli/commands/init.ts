import type { CliCommand } from "./command.js";
export const init: CliCommand = { name: "init", args: "<dir>", summary: "x", needsLab: false, run: () => 1 };
