import { Command, Option } from "@commander-js/extra-typings";
import { parsed } from "./parsed_option.ts";
import { parseDuration, parseHostPort, parsePort, parsePositiveInt } from "./values.ts";

/** `postie mx`'s defaults, named once and shown in `--help`. */
export const MX_DEFAULTS = {
  timeout: "5s",
  concurrency: "50",
  port: "25",
  httpsPort: "443",
} as const;

/** `postie mx`: mail-routing diagnosis for a domain. */
export function mxCommand() {
  return new Command("mx")
    .summary("diagnose mail routing for a domain: MX, SPF, DMARC, MTA-STS, TLS-RPT")
    .description(
      "Looks up a domain's MX records in preference order with their addresses (implicit MX " +
        "when there is none, null MX as 'accepts no mail'), and judges its SPF (lookups counted " +
        "through includes), DMARC (falling back to the organisational domain), MTA-STS, TLS-RPT " +
        "and BIMI records; when _mta-sts announces a policy, it fetches it over HTTPS (within " +
        "--timeout) and checks its mode and MX patterns against the real MX names. With " +
        "--check it also connects to every MX address: banner, EHLO, STARTTLS with the " +
        "certificate's name, dates and chain, the address's PTR (FCrDNS), and the times " +
        "taken. Each finding is ok, " +
        "warning or error. Exit codes: 0 answered, 65 a name that is not a domain, 68 a domain " +
        "that does not exist (NXDOMAIN), 75 DNS failed (SERVFAIL, REFUSED, timeout).",
    )
    .argument("[domain...]", "domains or mail addresses to diagnose (U-labels are fine)")
    .addOption(
      new Option(
        "--resolver <ip[:port]>",
        "DNS server to ask, as dig's @server; default: the system's",
      )
        .argParser((text: string) => parseHostPort(text, 53)),
    )
    .addOption(
      parsed(
        "--timeout <duration>",
        "time limit of each DNS question, of each address's --check and of the policy fetch",
        parseDuration,
        MX_DEFAULTS.timeout,
      ),
    )
    .option(
      "--file <path>",
      "read domains from a file, one per line ('-' for stdin): one line of output each",
    )
    .addOption(
      parsed(
        "--concurrency <n>",
        "domains diagnosed at once",
        parsePositiveInt,
        MX_DEFAULTS.concurrency,
      ),
    )
    .option(
      "--check",
      "connect to each MX address (banner, EHLO, STARTTLS, certificate, PTR)",
    )
    .option(
      "--no-mta-sts-fetch",
      "do not fetch the MTA-STS policy over HTTPS when _mta-sts announces one",
    )
    .addOption(parsed("--port <n>", "port --check connects to", parsePort, MX_DEFAULTS.port))
    .addOption(
      parsed(
        "--https-port <n>",
        "port the MTA-STS policy is fetched from (for tests)",
        parsePort,
        MX_DEFAULTS.httpsPort,
      ),
    )
    .option("--json", "print each result as one JSON line (NDJSON for several domains)")
    .addHelpText(
      "after",
      `
Examples:
  postie mx example.com
  postie mx user@bücher.example
  postie mx --check --timeout 15s example.com
  postie mx --resolver 127.0.0.1:5353 --json example.test
  postie mx --file domains.txt --json > report.ndjson`,
    )
    .action(async (domains, options, command) => {
      if (domains.length === 0 && !options.file) {
        command.error("give a domain, an address or --file");
      }
      // Loaded on use, so other subcommands (and serve's worker) do not load lib/dns.
      const { runMx } = await import("./mx_run.ts");
      Deno.exitCode = await runMx(domains, options);
    });
}
