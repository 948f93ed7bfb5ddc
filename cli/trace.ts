import { Command } from "@commander-js/extra-typings";
import { notBuilt } from "./not_built.ts";

/** `postie trace`: Received-path analysis (not built yet). */
export function traceCommand(): Command<[string | undefined]> {
  return new Command("trace")
    .summary("analyse a message's Received path: hops, delays, TLS, forgery [not built yet]")
    .description(
      "Reads a message or its headers and shows the hops in travel order with delays, TLS and " +
        "findings. Not built yet: exits 69.",
    )
    .argument("[file]", "message or headers; - or nothing for stdin")
    .option("--trusted-by <host...>", "hosts of the recipient's own infrastructure")
    .option("--verify", "redo DKIM, ARC and SPF checks")
    .option("--json", "print one JSON result")
    .addHelpText(
      "after",
      `
Examples:
  postie trace message.eml
  pbpaste | postie trace --json -`,
    )
    .action(() => notBuilt("trace"));
}
