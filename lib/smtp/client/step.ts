/**
 * What a {@linkcode ClientSession} asks its connection to do after each reply.
 *
 * @module
 */

/** A command for the connection to send: `VERB argument`. */
export interface ClientCommand {
  /** The command verb, e.g. `MAIL` (RFC 5321 §4.1.1). */
  verb: string;
  /** Everything after the verb and its space, e.g. `FROM:<a@example.com>`. */
  argument?: string;
  /** What a transcript shows instead, when the line carries a secret (AUTH credentials). */
  masked?: string;
}

/** What to do after a reply. */
export interface ClientStep {
  /** Run the TLS handshake first (the server said 220 to STARTTLS, RFC 3207 §4). */
  startTls?: boolean;
  /** Commands to send now, in one write when there are several (a pipelined group). */
  commands: ClientCommand[];
  /**
   * Send the message content now: `data` dot-stuffed with the end-of-data line (RFC 5321
   * §4.5.2); `bdat` in BDAT chunks (RFC 3030 §2), each command from `ClientSession.chunk`.
   */
  content?: "data" | "bdat";
  /** Close the connection: the session is over. */
  close: boolean;
}
