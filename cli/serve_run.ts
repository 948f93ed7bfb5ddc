import { hostPort } from "../lib/dns/host_port.ts";
import { DataDirBusyError, Mta } from "../lib/mta/mta.ts";
import { Logger } from "../lib/mta/log.ts";
import { ExitCode } from "../lib/sysexits.ts";
import type { HostPort } from "./values.ts";
import { VERSION } from "./version.ts";

/** `postie serve`'s settings, parsed and with defaults applied. */
export interface ServeSettings {
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
export async function runServe(settings: ServeSettings): Promise<number> {
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
  const where = mta.listener.addresses.map((a) => hostPort(a.hostname, a.port)).join(", ");
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
    const where = settings.listen.map((a) => hostPort(a.hostname, a.port)).join(", ");
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
