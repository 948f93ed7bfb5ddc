/**
 * Charsets through the WHATWG Encoding Standard's `TextDecoder`: every label it knows, and a
 * latin1 fallback (with a flag saying so) for the ones it does not.
 *
 * @module
 */

const decoders = new Map<string, TextDecoder | undefined>();

/**
 * The `TextDecoder` for a MIME charset label (RFC 2046 §4.1.2: case-insensitive), or
 * `undefined` when the Encoding Standard does not know the label. Decoders are cached.
 *
 * @example
 * ```ts
 * charsetDecoder("ISO-8859-1")?.encoding; // "windows-1252"
 * charsetDecoder("x-unknown");            // undefined
 * ```
 */
export function charsetDecoder(label: string): TextDecoder | undefined {
  const key = label.trim().toLowerCase();
  if (decoders.has(key)) return decoders.get(key);
  let decoder: TextDecoder | undefined;
  try {
    decoder = new TextDecoder(key);
  } catch {
    decoder = undefined;
  }
  decoders.set(key, decoder);
  return decoder;
}

/** Text decoded from a charset, and whether the charset was known. */
export interface DecodedText {
  /** The text; unknown charsets are read as latin1 (one character per octet). */
  text: string;
  /** False when the label was unknown and latin1 was used instead. */
  known: boolean;
}

/**
 * Decodes `bytes` in the charset `label`; an unknown label falls back to latin1.
 *
 * @example
 * ```ts
 * decodeCharset(new Uint8Array([0xe9]), "iso-8859-1").text; // "é"
 * decodeCharset(new Uint8Array([0xe9]), "x-nope");         // { text: "é", known: false }
 * ```
 */
export function decodeCharset(bytes: Uint8Array, label: string): DecodedText {
  const decoder = charsetDecoder(label);
  if (decoder) return { text: decoder.decode(bytes), known: true };
  return { text: latin1(bytes), known: false };
}

/** Reads each octet as the code point of the same value (ISO-8859-1 in the strict sense). */
export function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text;
}
