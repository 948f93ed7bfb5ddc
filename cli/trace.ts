import { Command, Option } from "@commander-js/extra-typings";
import { parseHostPort } from "./values.ts";

/** `postie trace`: Received-path analysis of a message or its headers. */
export function traceCommand() {
  return new Command("trace")
    .summary("analyse a message's Received path: hops, delays, TLS, forgery hints")
    .description(
      "Reads a message or its headers alone (pasted text: CRLF or LF, with or without the " +
        "blank line) and shows the hops in travel order with delays and TLS, then findings " +
        "(broken chain, reserved addresses, no TLS, large delays, clock skew, Date anomalies, " +
        "alignment, Authentication-Results verdicts and forgeable ones, ARC gaps and cv=fail " +
        "claims) and a one-line verdict. X-Received fields (a provider's internal handoffs) " +
        "are listed as internal notes, not hops; Return-Path and the DKIM and ARC signers " +
        "(d=, s=, a=) are shown as claimed. Exits 0, 65 when the input has no header " +
        "fields, 66 when it cannot be read, 73 when the --html file cannot be written.",
    )
    .argument("[file]", "message or headers; - or nothing for stdin")
    .option(
      "--trusted-by <host>",
      "a host or domain of the recipient's own infrastructure (repeatable; default: the " +
        "organisational domain of the last hop)",
      (host: string, previous: string[] | undefined) => [...(previous ?? []), host],
    )
    .option(
      "--verify",
      "redo DKIM, ARC, DMARC and the SPF check of the client of the first trusted hop now, " +
        "and compare with what Authentication-Results and Received-SPF claim",
    )
    .addOption(
      new Option("--resolver <ip[:port]>", "DNS server for --verify; default: the system's")
        .argParser((text: string) => parseHostPort(text, 53)),
    )
    .option("--json", "print one JSON result")
    .option(
      "--html <file>",
      "also write a self-contained report page (timeline, findings, headers)",
    )
    .addHelpText(
      "after",
      `
Examples:
  postie trace message.eml
  postie trace --trusted-by mx.example.org --trusted-by example.org message.eml
  postie trace --html report.html message.eml
  postie trace --verify --resolver 127.0.0.1:5353 message.eml
  pbpaste | postie trace --json -`,
    )
    .action(async (file, options) => {
      // Loaded on use, so other subcommands do not load lib/trace.
      const { runTrace } = await import("./trace_run.ts");
      Deno.exitCode = await runTrace(file ?? "-", options);
    });
}
