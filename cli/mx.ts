import { Command } from "@commander-js/extra-typings";
import { notBuilt } from "./not_built.ts";

/** `postie mx`: mail-routing diagnosis for a domain (not built yet). */
export function mxCommand(): Command<[string[]]> {
  return new Command("mx")
    .summary("diagnose mail routing for a domain: MX, SPF, DMARC, MTA-STS [not built yet]")
    .description(
      "Looks up MX records in preference order with their addresses, null and implicit MX, " +
        "and the domain's SPF, DMARC, MTA-STS and TLS-RPT records. Not built yet: exits 69.",
    )
    .argument("<domain...>", "domains or addresses to diagnose")
    .option("--resolver <ip[:port]>", "DNS server to ask, as dig's @server; default: the system's")
    .option("--check", "connect to each MX, EHLO and try STARTTLS")
    .option("--json", "print one JSON result")
    .addHelpText(
      "after",
      `
Examples:
  postie mx example.com
  postie mx --resolver 127.0.0.1:5353 --json example.test`,
    )
    .action(() => notBuilt("mx"));
}
