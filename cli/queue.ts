import { Command } from "@commander-js/extra-typings";
import { notBuilt } from "./not_built.ts";

/** `postie queue`: inspect and steer serve's queue (not built yet). */
export function queueCommand(): Command<[string, string[]]> {
  return new Command("queue")
    .summary("inspect and steer serve's queue: list, show, retry, flush, delete [not built yet]")
    .description("Lists and steers the messages in serve's spool. Not built yet: exits 69.")
    .argument("<action>", "list, show, retry, flush or delete")
    .argument("[id...]", "queue ids")
    .option("--data-dir <dir>", "serve's data directory", "./.postie")
    .option("--json", "print one JSON result")
    .addHelpText(
      "after",
      `
Examples:
  postie queue list
  postie queue show 1A2B3C4D`,
    )
    .action(() => notBuilt("queue"));
}
