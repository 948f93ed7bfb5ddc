/**
 * The one error type of `lib/address`: every address, path or mailbox that does not
 * parse is reported as an {@linkcode AddressSyntaxError} pointing at the offending
 * character, and nothing else is ever thrown for bad input.
 *
 * @module
 */

/**
 * Text that is not a valid RFC 5321 path or RFC 5322 address.
 *
 * `index` is a 0-based string index (UTF-16 code unit) into `input`; it equals
 * `input.length` when the input ended too early.
 *
 * @example
 * ```ts
 * import { AddressSyntaxError, parsePath } from "./mod.ts";
 * try {
 *   parsePath("a@@b");
 * } catch (e) {
 *   if (e instanceof AddressSyntaxError) console.log(e.index, e.reason); // 2 unexpected "@"
 * }
 * ```
 */
export class AddressSyntaxError extends Error {
  /** The whole text that failed to parse. */
  readonly input: string;
  /** 0-based index into `input` where parsing failed. */
  readonly index: number;
  /** What was wrong, without the input or the position, e.g. `unexpected "@"`. */
  readonly reason: string;

  /** Creates the error for `input`, failing at `index` because of `reason`. */
  constructor(input: string, index: number, reason: string) {
    super(`invalid address ${JSON.stringify(input)}: ${reason} at ${index}`);
    this.name = "AddressSyntaxError";
    this.input = input;
    this.index = index;
    this.reason = reason;
  }

  /** The error for an unexpected character (or end of input) at `index`. */
  static unexpected(input: string, index: number): AddressSyntaxError {
    const reason = index < input.length
      ? `unexpected ${quoteCharAt(input, index)}`
      : "unexpected end of input";
    return new AddressSyntaxError(input, index, reason);
  }

  /** The error for a non-ASCII character at `index` in a session without SMTPUTF8. */
  static needsSmtputf8(input: string, index: number): AddressSyntaxError {
    // RFC 6531 §3.3: UTF-8 in mailbox names only with the SMTPUTF8 extension
    return new AddressSyntaxError(
      input,
      index,
      `non-ASCII ${quoteCharAt(input, index)} needs SMTPUTF8`,
    );
  }
}

/** The character (code point) at `index`, as a JSON string literal for messages. */
function quoteCharAt(input: string, index: number): string {
  return JSON.stringify(String.fromCodePoint(input.codePointAt(index)!));
}
