/**
 * Errors of composing a message: a draft that cannot become a message, a file that cannot
 * be read.
 *
 * @module
 */

/** A draft postie cannot turn into a message (e.g. inline images without HTML). */
export class MessageDraftError extends Error {
  /** Creates the error; `message` says what is wrong and how to fix it. */
  constructor(message: string) {
    super(message);
    this.name = "MessageDraftError";
  }
}

/** A file the message should carry that cannot be read. */
export class MessageSourceError extends Error {
  /** The file. */
  readonly path: string;

  /** Creates the error for `path`, which cannot be read because of `reason`. */
  constructor(path: string, reason: string) {
    super(`cannot read ${path}: ${reason}`);
    this.path = path;
    this.name = "MessageSourceError";
  }
}
