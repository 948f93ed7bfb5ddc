import { Command, CommanderError } from "@commander-js/extra-typings";
import { ExitCode } from "../lib/sysexits.ts";
import { completionsCommand } from "./completions.ts";
import { mxCommand } from "./mx.ts";
import { parseCommand } from "./parse.ts";
import { queueCommand } from "./queue.ts";
import { sendCommand } from "./send.ts";
import { sendmailCommand } from "./sendmail.ts";
import { serveCommand } from "./serve.ts";
import { traceCommand } from "./trace.ts";
import { VERSION } from "./version.ts";

/**
 * Builds the whole command tree. Every command throws instead of exiting on a usage error
 * (`exitOverride`), so `main` maps it to exit code 64.
 */
export function buildProgram(): Command {
  const program = new Command("postie")
    .description(
      "postie: an SMTP toolkit. A mail server with a durable queue that doubles as a dev mail " +
        "server, an SMTP client, and tools to diagnose routing, parse messages and trace headers.",
    )
    .version(VERSION, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "print help for a command")
    .addHelpText(
      "after",
      `
Examples:
  postie serve                      catch all mail on 127.0.0.1:1025 into ./.postie
  postie help serve                 every flag of serve, with defaults
  postie completions bash > /etc/bash_completion.d/postie`,
    );
  for (
    const sub of [
      serveCommand(),
      sendCommand(),
      sendmailCommand(),
      mxCommand(),
      parseCommand(),
      traceCommand(),
      queueCommand(),
    ]
  ) {
    program.addCommand(sub as unknown as Command);
  }
  program.addCommand(completionsCommand(() => program) as unknown as Command);
  applyRecursively(program, (cmd) => {
    const help = cmd === program ? "postie --help" : `postie ${cmd.name()} --help`;
    cmd.exitOverride().showSuggestionAfterError(true).configureOutput({
      outputError: (message, write) =>
        write(`postie: ${message.replace(/^error: /, "").trimEnd()} (see '${help}')\n`),
    });
    if (cmd !== program) cmd.helpOption("-h, --help", "print help for this command");
  });
  return program;
}

function applyRecursively(cmd: Command, fn: (cmd: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) applyRecursively(sub as Command, fn);
}

/** Runs postie with `args` and returns the process exit code. */
export async function runProgram(args: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with exitCode 0; everything else is a usage error (sysexits 64).
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    throw error;
  }
  return typeof Deno.exitCode === "number" ? Deno.exitCode : ExitCode.Ok;
}
