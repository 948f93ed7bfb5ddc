/** postie's entry module, for tests that run the CLI as a child process. */
export const POSTIE_MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;

/** What a postie run printed, and its exit code. */
export interface PostieRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `postie ARGS…` as a child process (NO_COLOR set, stdin closed unless given) and returns
 * its exit code and decoded output.
 */
export async function runPostie(
  args: string[],
  options: { stdin?: string | Uint8Array; env?: Record<string, string> } = {},
): Promise<PostieRun> {
  const { stdin, env = {} } = options;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", POSTIE_MAIN, ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin);
    await writer.close();
  }
  const output = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}
