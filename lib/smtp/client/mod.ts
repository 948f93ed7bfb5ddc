/**
 * The SMTP client: a sans-IO session machine (EHLO capabilities, pipelining, per-recipient
 * replies) and the thin connection that runs it, with a transcript.
 *
 * @example
 * ```ts ignore
 * import { ClientSession, runClientSession } from "./mod.ts";
 * const session = new ClientSession({
 *   clientName: "me.test",
 *   transaction: { reversePath: "a@x.test", recipients: [{ forwardPath: "b@y.test" }] },
 * });
 * const run = await runClientSession(session, {
 *   hostname: "127.0.0.1",
 *   port: 1025,
 *   content: () => ReadableStream.from([new TextEncoder().encode("Subject: hi\r\n\r\nhi\r\n")]),
 * });
 * ```
 *
 * @module
 */

export { type Capabilities, noCapabilities, parseCapabilities } from "./capabilities.ts";
export { ClientSessionError, SmtpConnectionError } from "./errors.ts";
export {
  type ClientCommand,
  ClientSession,
  type ClientSessionOptions,
  type ClientStep,
} from "./session.ts";
export type {
  ClientFailure,
  ClientStage,
  MailTransaction,
  QuitAfter,
  RecipientOutcome,
  RecipientRequest,
} from "./transaction.ts";
export type { TranscriptDirection, TranscriptEvent } from "./transcript.ts";
export {
  type ClientConnectionOptions,
  type ClientRun,
  DEFAULT_CLIENT_TIMEOUT_MS,
  runClientSession,
} from "./connection.ts";
