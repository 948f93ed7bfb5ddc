/**
 * Transcript events: what a client connection did, line by line, with the time it happened.
 *
 * @module
 */

/**
 * Which way a transcript line went: `connect` (the TCP connection), `send` (a command),
 * `receive` (a reply line), `content` (the message content, summed up), `error`.
 */
export type TranscriptDirection = "connect" | "send" | "receive" | "content" | "error";

/** One line of a client session's transcript. */
export interface TranscriptEvent {
  /** Which way it went. */
  direction: TranscriptDirection;
  /** The command or reply line without CRLF, or a description. */
  text: string;
  /** Milliseconds since the connection attempt began. */
  elapsedMs: number;
}
