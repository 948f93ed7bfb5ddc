import { Command, Option } from "@commander-js/extra-typings";
import { parsed } from "./parsed_option.ts";
import { DataDirBusyError, Mta } from "../lib/mta/mta.ts";
import { Logger } from "../lib/mta/log.ts";
import { ExitCode } from "../lib/sysexits.ts";
import { VERSION } from "./version.ts";
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
      Deno.exitCode = await runServe({
        ...options,
        listen: options.listen ?? [parseHostPort(d.listen)],
        hostname: options.hostname ?? Deno.hostname(),
        logFormat: options.logFormat ?? "text",
      });
    });
}

interface ServeSettings {
  listen: HostPort[];
  dataDir: string;
  hostname: string;
  maxSize: number;
  maxRecipients: number;
  maxConnections: number;
  maxErrors: number;
  maxLineLength: number;
  commandTimeout: number;
  dataTimeout: number;
  dataTotalTimeout: number;
  grace: number;
  bareLf: "normalize" | "reject";
  logFormat: "text" | "json";
}

/** Starts the MTA, serves until SIGINT/SIGTERM, and returns the exit code. */
async function runServe(settings: ServeSettings): Promise<number> {
  const logger = new Logger(settings.logFormat);
  let mta: Mta;
  try {
    mta = await Mta.start({
      dataDir: settings.dataDir,
      hostname: settings.hostname,
      listen: settings.listen,
      limits: {
        maxMessageSize: settings.maxSize,
        maxRecipients: settings.maxRecipients,
        maxErrors: settings.maxErrors,
        bareNewlines: settings.bareLf,
      },
      timeouts: {
        command: settings.commandTimeout,
        dataBlock: settings.dataTimeout,
        dataTotal: settings.dataTotalTimeout,
      },
      maxConnections: settings.maxConnections,
      maxLineLength: settings.maxLineLength,
      logger,
      // postie's entry module runs the Maildir worker too (cli/main.ts, the bundle or the binary).
      workerEntry: Deno.mainModule,
    });
  } catch (error) {
    return startupFailure(error, settings);
  }
  const where = mta.listener.addresses.map((a) => formatAddress(a.hostname, a.port)).join(", ");
  console.log(`postie ${VERSION} serve: SMTP on ${where}, as ${settings.hostname}`);
  console.log(
    `mail is caught (every recipient, nothing relayed) into ${mta.maildir.dir}/new` +
      (mta.recovered > 0 ? `; ${mta.recovered} spooled message(s) recovered` : ""),
  );
  const serving = mta.serve();
  const { promise: stopping, resolve: stop } = Promise.withResolvers<string>();
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  const handlers = signals.map((signal) => {
    const handler = () => stop(signal);
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });
  const signal = await stopping;
  logger.log("stopping", { signal, grace_s: settings.grace / 1000 });
  await mta.stop(settings.grace);
  await serving;
  for (const [name, handler] of handlers) Deno.removeSignalListener(name, handler);
  logger.log("stopped", {});
  logger.flush();
  return ExitCode.Ok;
}

function startupFailure(error: unknown, settings: ServeSettings): number {
  const say = (text: string) => console.error(`postie serve: ${text}`);
  if (error instanceof Deno.errors.AddrInUse) {
    const where = settings.listen.map((a) => formatAddress(a.hostname, a.port)).join(", ");
    say(`cannot listen on ${where}: address already in use`);
    return ExitCode.Config;
  }
  if (error instanceof Deno.errors.PermissionDenied && /listen|bind/i.test(String(error))) {
    say(`cannot listen: ${(error as Error).message}`);
    return ExitCode.NoPerm;
  }
  if (error instanceof DataDirBusyError) {
    say((error as Error).message);
    return ExitCode.CantCreat;
  }
  if (error instanceof Deno.errors.AddrNotAvailable) {
    say(`cannot listen: ${(error as Error).message}`);
    return ExitCode.Config;
  }
  say(`cannot use data directory ${settings.dataDir}: ${(error as Error).message}`);
  return ExitCode.CantCreat;
}

function formatAddress(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}
