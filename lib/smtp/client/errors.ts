/**
 * Errors of the SMTP client: a misused session machine, and a connection that failed before
 * the session ended.
 *
 * @module
 */

import type { ClientStage } from "./transaction.ts";

/** A reply was fed to a {@linkcode ClientSession} that expected none (it is done). */
export class ClientSessionError extends Error {
  /** Creates the error with a message saying what was wrong. */
  constructor(message: string) {
    super(message);
    this.name = "ClientSessionError";
  }
}

/**
 * The connection failed: refused, timed out, closed by the server, or a reply that is not
 * SMTP. `stage` says what the client was waiting for.
 */
export class SmtpConnectionError extends Error {
  /** Creates the error for `stage`, keeping the underlying error as `cause`. */
  constructor(readonly stage: ClientStage | "connect", message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SmtpConnectionError";
  }
}
