import { ExitCode } from "../lib/sysexits.ts";

/** Says in one line on stderr that a subcommand is not built yet, and exits 69 (EX_UNAVAILABLE). */
export function notBuilt(name: string): void {
  console.error(`postie ${name}: not built yet; see the README for what exists`);
  Deno.exitCode = ExitCode.Unavailable;
}
