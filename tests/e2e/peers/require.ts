/**
 * Tests that need real peers: skip with a note where a peer is missing, fail under CI.
 *
 * @module
 */

import { missingPeers, PeerMissingError } from "./catalog.ts";

/** True when the `CI` environment variable is `true`: missing peers fail tests there. */
export function isCI(): boolean {
  return Deno.env.get("CI") === "true";
}

/**
 * Checks one peer for a test: true when it is installed. When it is missing, throws
 * {@linkcode PeerMissingError} under CI, else prints a one-line skip note and returns false
 * (the caller then returns early).
 *
 * @example
 * ```ts
 * Deno.test("swaks sends", async (t) => {
 *   if (!(await requirePeer(t, "swaks"))) return;
 *   // ...
 * });
 * ```
 */
export function requirePeer(t: Deno.TestContext | undefined, command: string): Promise<boolean> {
  if (missingPeers([command]).length === 0) return Promise.resolve(true);
  const error = new PeerMissingError(command);
  if (isCI()) return Promise.reject(error);
  console.error(`skip: ${t ? `${t.name}: ` : ""}${error.message}`);
  return Promise.resolve(false);
}

/**
 * Registers a test that needs `peers`. If one is missing the test is ignored (reported as
 * such, with a note naming the Debian package) or, under CI, fails with
 * {@linkcode PeerMissingError}. Resource and op sanitizers are off: peers are child processes.
 *
 * @example
 * ```ts
 * peerTest("smtp-sink greets", ["smtp-sink"], async () => {
 *   const sink = await startSmtpSink();
 *   await sink.stop();
 * });
 * ```
 */
export function peerTest(
  name: string,
  peers: string[],
  fn: (t: Deno.TestContext) => void | Promise<void>,
): void {
  const missing = missingPeers(peers);
  const ignore = missing.length > 0 && !isCI();
  for (const peer of ignore ? missing : []) {
    console.error(`skip: ${name}: ${new PeerMissingError(peer).message}`);
  }
  Deno.test({
    name,
    ignore,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      if (missing.length > 0) throw new PeerMissingError(missing[0]);
      await fn(t);
    },
  });
}
