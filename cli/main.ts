/**
 * The postie command-line entry point: `deno run -A cli/main.ts <subcommand> …`.
 * @module
 */
import { CommanderError } from "@commander-js/extra-typings";
import { runMaildirWorker } from "../lib/delivery/maildir_worker.ts";
import { ExitCode } from "../lib/sysexits.ts";
import { buildProgram } from "./program.ts";

/** Runs postie with `args` and returns the process exit code. */
export async function main(args: string[]): Promise<number> {
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

// A Maildir worker thread runs this same module (so bundles and executables need no other file).
if (!runMaildirWorker() && import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(`postie: internal error: ${error instanceof Error ? error.stack : error}`);
    Deno.exit(ExitCode.Software);
  }
}
