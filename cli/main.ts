/**
 * The postie command-line entry point: `deno run -A cli/main.ts <subcommand> …`.
 *
 * It stays small on purpose: serve's Maildir worker thread runs this same module (so a bundle
 * or a compiled binary needs no other file), and should load nothing it does not use.
 * @module
 */
import { runMaildirWorker } from "../lib/delivery/maildir_worker.ts";
import { ExitCode } from "../lib/sysexits.ts";

if (!runMaildirWorker() && import.meta.main) {
  try {
    const { runProgram } = await import("./program.ts");
    Deno.exit(await runProgram(Deno.args));
  } catch (error) {
    console.error(`postie: internal error: ${error instanceof Error ? error.stack : error}`);
    Deno.exit(ExitCode.Software);
  }
}
