/**
 * Writing a value as a quoted-string, the form both RFC 5321 (local parts) and
 * RFC 5322 (local parts, display names) fall back to when atoms cannot carry it.
 *
 * @module
 */

import { AddressSyntaxError } from "./errors.ts";

/**
 * The quoted-string for `value` (RFC 5322 §3.2.4, RFC 5321 §4.1.2 `Quoted-string`):
 * `"` and `\` become quoted-pairs, everything else stays as is. Throws an
 * {@linkcode AddressSyntaxError} for a control character other than HTAB, which no
 * quoted-string carries (and which would let a value break out of its header line).
 *
 * @example
 * ```ts
 * import { quoteString } from "./quoting.ts";
 * quoteString('Doe, "JD" John'); // '"Doe, \\"JD\\" John"'
 * ```
 */
export function quoteString(value: string): string {
  // deno-lint-ignore no-control-regex
  const control = value.search(/[\x00-\x08\x0a-\x1f\x7f]/);
  if (control >= 0) {
    throw new AddressSyntaxError(value, control, "control character cannot be quoted");
  }
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}
