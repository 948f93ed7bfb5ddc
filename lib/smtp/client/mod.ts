/**
 * The SMTP client: a sans-IO session machine (EHLO capabilities, STARTTLS, AUTH, pipelining,
 * DATA or BDAT, LMTP, per-recipient replies, many mail transactions per session) and the thin
 * connection that runs it over TCP or TLS, with a transcript.
 *
 * One session carries its `transactions` in order; `session.transactions` holds one
 * {@linkcode ClientTransaction} per transaction started, with its replies (`mailReply`,
 * `recipients`, `dataReply`, `finalReply`), `failure` and `delivered`. Between transactions
 * the session sends RSET only when the last one was left open (RFC 5321 §4.1.1.5), pipelined
 * ahead of the next MAIL when the server offers PIPELINING. `session.failure` is for what
 * ended the session itself (greeting, EHLO/HELO, 421).
 *
 * For transactions not known up front, create the session with `keepOpen: true`: when its
 * queue runs dry it is `idle` (no reply expected), and `next(transaction)` starts another
 * while `quit()` ends it; each returns the step to carry out. `runClientSession` does this
 * through its `nextTransaction` callback, called each time the session is idle (so the time
 * between two calls is one transaction's latency) and QUITs when it returns undefined.
 *
 * Protocol options of the session: `starttls` (`require` or `opportunistic`; a step with
 * `startTls` asks the connection for the handshake, then EHLO goes again), `secure` (implicit
 * TLS: the connection starts with the handshake), `auth` (credentials, and a mechanism to
 * force), `chunking: false` (DATA even when CHUNKING is offered), `lmtp`. With CHUNKING a step
 * says `content: "bdat"`: the connection asks `session.chunk(size, last)` for each chunk's
 * BDAT command and feeds its reply. The connection's `tls` option names the server (SNI and
 * the certificate check) and the CAs to trust, or none (`insecure`); `run.tls` tells the
 * version, cipher and whether the certificate verified (node:tls exposes them; Deno's own
 * `TlsConn.handshake()` gives only the ALPN protocol, and its TLS cannot skip verification).
 *
 * @example
 * ```ts ignore
 * import { ClientSession, runClientSession } from "./mod.ts";
 * const message = new TextEncoder().encode("Subject: hi\r\n\r\nhi\r\n");
 * let left = 100;
 * const session = new ClientSession({ clientName: "me.test", transactions: [], keepOpen: true });
 * const run = await runClientSession(session, {
 *   hostname: "127.0.0.1",
 *   port: 1025,
 *   content: () => ReadableStream.from([message]),
 *   nextTransaction: () =>
 *     left-- > 0
 *       ? { reversePath: "a@x.test", recipients: [{ forwardPath: "b@y.test" }] }
 *       : undefined,
 * });
 * run.session.transactions.filter((t) => t.delivered).length; // 100
 * ```
 *
 * @module
 */

export { type Capabilities, noCapabilities, parseCapabilities } from "./capabilities.ts";
export {
  ClientTransaction,
  type TransactionContext,
  type TransactionStep,
} from "./client_transaction.ts";
export { ClientSessionError, SmtpConnectionError } from "./errors.ts";
export { ClientSession, type ClientSessionOptions } from "./session.ts";
export type { ClientCommand, ClientStep } from "./step.ts";
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
  BDAT_CHUNK_OCTETS,
  type ClientConnectionOptions,
  type ClientRun,
  DEFAULT_CLIENT_TIMEOUT_MS,
  runClientSession,
} from "./connection.ts";
export { type ContentBatch, contentBatches } from "./content_batches.ts";
export { ContentEcho } from "./content_echo.ts";
export {
  chooseSaslMechanism,
  decodeSaslText,
  encodeSaslText,
  SASL_MECHANISMS,
  type SaslCredentials,
  type SaslMechanism,
  saslMechanism,
  type SaslMechanismName,
} from "./sasl.ts";
export { type ClientTlsOptions, ClientTransport, type TlsDetails } from "./transport.ts";
