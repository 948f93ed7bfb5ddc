/**
 * Typed errors of the wire layer. Every failure to decode bytes on the wire is a
 * {@linkcode WireError}, so callers can answer a protocol error with a reply code
 * instead of crashing.
 *
 * @module
 */

/**
 * Base class of every error thrown by `lib/wire`.
 *
 * @example
 * ```ts
 * import { parseCommand, WireError } from "./mod.ts";
 * try {
 *   parseCommand(new Uint8Array());
 * } catch (e) {
 *   if (e instanceof WireError) console.log("500", e.message);
 * }
 * ```
 */
export class WireError extends Error {
  /** Creates a wire error with a message a user can act on. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WireError";
  }
}

/**
 * A line exceeded its length limit (RFC 5321 §4.5.3.1.4, §4.5.3.1.6). The reader has
 * already skipped the rest of the line, so the session may reply 500 and read on.
 */
export class LineTooLongError extends WireError {
  /** The limit in octets, line ending included. */
  readonly limit: number;
  /** Octets seen before giving up (at least `limit + 1`). */
  readonly length: number;

  /** Creates the error for a line of at least `length` octets over `limit`. */
  constructor(limit: number, length: number) {
    super(`Line too long: more than ${limit} octets`);
    this.name = "LineTooLongError";
    this.limit = limit;
    this.length = length;
  }
}

/** A server reply line does not follow RFC 5321 §4.2 (`Reply-code [ SP / "-" text ] CRLF`). */
export class ReplySyntaxError extends WireError {
  /** Creates the error; `message` says what was wrong. */
  constructor(message: string) {
    super(message);
    this.name = "ReplySyntaxError";
  }
}

/** A command or its arguments do not follow RFC 5321 §4.1 or an SMTP extension's grammar. */
export class CommandSyntaxError extends WireError {
  /** Character offset in the argument where parsing failed, when known. */
  readonly position?: number;

  /** Creates the error; `message` is fit for a 501 reply text. */
  constructor(message: string, position?: number) {
    super(message);
    this.name = "CommandSyntaxError";
    if (position !== undefined) this.position = position;
  }
}

/** The stream ended in the middle of a line, a DATA body or a BDAT chunk. */
export class UnexpectedEofError extends WireError {
  /** Creates the error; `message` says what was cut short. */
  constructor(message = "Unexpected end of input") {
    super(message);
    this.name = "UnexpectedEofError";
  }
}
