import { Command, Option } from "@commander-js/extra-typings";
import { parsed } from "./parsed_option.ts";
import {
  type HostPort,
  parseDuration,
  parseHostPort,
  parsePositiveInt,
  parseSize,
} from "./values.ts";

/** `postie serve`'s defaults, named once and shown in `--help`. */
export const SERVE_DEFAULTS = {
  listen: "127.0.0.1:1025",
  dataDir: "./.postie",
  maxSize: "25MB",
  maxRecipients: "1000",
  maxConnections: "2000",
  maxErrors: "20",
  maxLineLength: "512",
  // RFC 5321 §4.5.3.2.7: a server should wait at least 5 minutes for the next command.
  commandTimeout: "5m",
  // RFC 5321 §4.5.3.2.5: 3 minutes for each data block.
  dataTimeout: "3m",
  // A trickling client cannot hold one transaction's DATA longer than this.
  dataTotalTimeout: "10m",
  grace: "10s",
} as const;

/** `postie serve`: the MTA and zero-config dev mail server. */
export function serveCommand(): Command {
  const d = SERVE_DEFAULTS;
  return new Command("serve")
    .summary("receive mail: an MTA with a durable queue, and a zero-config dev mail server")
    .description(
      "Receives mail over SMTP/ESMTP and keeps every accepted message durably in a spool before " +
        "answering 250, then delivers it into <data-dir>/maildir. With no flags it is a dev mail " +
        "server: it listens on 127.0.0.1:1025, accepts every recipient and relays nothing.",
    )
    .addOption(
      new Option(
        "--listen <addr:port...>",
        "address to listen on (repeatable, [::1]:PORT for IPv6)",
      )
        .argParser((text: string, previous: HostPort[] | undefined) => [
          ...(previous ?? []),
          parseHostPort(text),
        ]).default(undefined, d.listen),
    )
    .option("--data-dir <dir>", "where the spool and the Maildir live", d.dataDir)
    .option("--hostname <name>", "name in the greeting and Received headers (default: this host)")
    .addOption(
      parsed(
        "--max-size <size>",
        "largest message accepted (SIZE), e.g. 10MB",
        parseSize,
        d.maxSize,
      ),
    )
    .addOption(
      parsed(
        "--max-recipients <n>",
        "recipients per message; more get 452",
        parsePositiveInt,
        d.maxRecipients,
      ),
    )
    .addOption(
      parsed(
        "--max-connections <n>",
        "concurrent connections; more get 421",
        parsePositiveInt,
        d.maxConnections,
      ),
    )
    .addOption(
      parsed(
        "--max-errors <n>",
        "protocol errors per session before 421 and close",
        parsePositiveInt,
        d.maxErrors,
      ),
    )
    .addOption(
      parsed(
        "--max-line-length <n>",
        "command line limit in octets, CRLF included",
        parsePositiveInt,
        d.maxLineLength,
      ),
    )
    .addOption(
      parsed(
        "--command-timeout <duration>",
        "idle time allowed between commands",
        parseDuration,
        d.commandTimeout,
      ),
    )
    .addOption(
      parsed(
        "--data-timeout <duration>",
        "idle time allowed within DATA or BDAT",
        parseDuration,
        d.dataTimeout,
      ),
    )
    .addOption(
      parsed(
        "--data-total-timeout <duration>",
        "total time for one message's data",
        parseDuration,
        d.dataTotalTimeout,
      ),
    )
    .addOption(
      parsed(
        "--grace <duration>",
        "on SIGINT/SIGTERM, time for transactions to finish",
        parseDuration,
        d.grace,
      ),
    )
    .addOption(
      new Option("--bare-lf <mode>", "bare LF or CR in a message: store as CRLF, or reject (550)")
        .choices(["normalize", "reject"] as const).default("normalize" as const),
    )
    .addOption(
      new Option("--log-format <format>", "log lines: human text, or JSON lines (default: text)")
        .choices(["text", "json"] as const),
    )
    .addHelpText(
      "after",
      `
Examples:
  postie serve                                   dev server on 127.0.0.1:1025, mail in ./.postie/maildir
  postie serve --listen 0.0.0.0:25 --listen [::]:25 --hostname mx.example.com
  postie serve --max-size 10MB --bare-lf reject --log-format json`,
    )
    .action(async (options) => {
      // Loaded on use: the MTA's modules are not needed by the other subcommands.
      const { runServe } = await import("./serve_run.ts");
      Deno.exitCode = await runServe({
        ...options,
        listen: options.listen ?? [parseHostPort(d.listen)],
        hostname: options.hostname ?? Deno.hostname(),
        logFormat: options.logFormat ?? "text",
      });
    });
}
