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
}

/** What to do after a reply. */
export interface ClientStep {
  /** Commands to send now, in one write when there are several (a pipelined group). */
  commands: ClientCommand[];
  /** Send the message content now, dot-stuffed, then the end-of-data line. */
  content: boolean;
  /** Close the connection: the session is over. */
  close: boolean;
}
