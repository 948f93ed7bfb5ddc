/**
 * Process exit codes from sysexits.h, as sendmail and Postfix use them.
 *
 * @example
 * ```ts
 * import { ExitCode } from "./sysexits.ts";
 * Deno.exitCode = ExitCode.Usage;
 * ```
 */
export const ExitCode = {
  Ok: 0,
  /** Command line usage error: unknown flag, bad value. */
  Usage: 64,
  /** The input data was incorrect (a malformed message). */
  DataErr: 65,
  /** An input file did not exist or was not readable. */
  NoInput: 66,
  /** Host or domain name unknown (NXDOMAIN). */
  NoHost: 68,
  /** Service unavailable or a permanent failure (5xx), or not built yet. */
  Unavailable: 69,
  /** Internal software error. */
  Software: 70,
  /** An output file or directory could not be created. */
  CantCreat: 73,
  /** An error occurred while doing I/O. */
  IoErr: 74,
  /** Temporary failure (4xx, DNS failure): retry later. */
  TempFail: 75,
  /** Permission denied. */
  NoPerm: 77,
  /** Something was found in an unconfigured or misconfigured state (a port in use). */
  Config: 78,
} as const;

/** One of the sysexits.h codes. */
export type ExitCode = typeof ExitCode[keyof typeof ExitCode];
