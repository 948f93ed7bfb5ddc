/**
 * Character classes shared by the RFC 5321 and RFC 5322 grammars, tested on UTF-16
 * code units (`String.prototype.charCodeAt`). Every code unit from 0x80 up stands for
 * UTF8-non-ascii (RFC 6532 §3.1): whether that is allowed is the caller's decision.
 *
 * @module
 */

/** ASCII horizontal tab. */
export const TAB = 0x09;
/** ASCII line feed. */
export const LF = 0x0a;
/** ASCII carriage return. */
export const CR = 0x0d;
/** ASCII space. */
export const SP = 0x20;
/** ASCII `"`. */
export const DQUOTE = 0x22;
/** ASCII `(`. */
export const LPAREN = 0x28;
/** ASCII `)`. */
export const RPAREN = 0x29;
/** ASCII `,`. */
export const COMMA = 0x2c;
/** ASCII `-`. */
export const HYPHEN = 0x2d;
/** ASCII `.`. */
export const DOT = 0x2e;
/** ASCII `:`. */
export const COLON = 0x3a;
/** ASCII `;`. */
export const SEMICOLON = 0x3b;
/** ASCII `<`. */
export const LT = 0x3c;
/** ASCII `>`. */
export const GT = 0x3e;
/** ASCII `@`. */
export const AT = 0x40;
/** ASCII `[`. */
export const LBRACKET = 0x5b;
/** ASCII `\`. */
export const BACKSLASH = 0x5c;
/** ASCII `]`. */
export const RBRACKET = 0x5d;

// RFC 5322 §3.2.3: atext = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" /
// "-" / "/" / "=" / "?" / "^" / "_" / "`" / "{" / "|" / "}" / "~"
const ATEXT = new Uint8Array(128);
for (const c of "!#$%&'*+-/=?^_`{|}~") ATEXT[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) ATEXT[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) ATEXT[c] = ATEXT[c + 0x20] = 1;

/** True for a code unit that is not US-ASCII (part of UTF8-non-ascii, RFC 6532 §3.1). */
export function isNonAscii(c: number): boolean {
  return c >= 0x80;
}

/** True for ASCII `atext` (RFC 5322 §3.2.3, RFC 5321 §4.1.2); non-ASCII is checked apart. */
export function isAsciiAtext(c: number): boolean {
  return c < 0x80 && ATEXT[c] === 1;
}

/** True for `atext` extended with UTF8-non-ascii (RFC 6532 §3.2, RFC 6531 §3.3). */
export function isAtext(c: number): boolean {
  return c >= 0x80 || ATEXT[c] === 1;
}

/** True for RFC 5234 `WSP`: space or horizontal tab. */
export function isWsp(c: number): boolean {
  return c === SP || c === TAB;
}

/** True for `VCHAR` (RFC 5234 §B.1): printable ASCII, space excluded. */
export function isVchar(c: number): boolean {
  return c >= 0x21 && c <= 0x7e;
}

/** True for an ASCII letter or digit, RFC 5321 §4.1.2 `Let-dig`. */
export function isLetDig(c: number): boolean {
  const lower = c | 0x20;
  return isDigit(c) || lower >= 0x61 && lower <= 0x7a;
}

/** True for ASCII `HEXDIG`. */
export function isHexDig(c: number): boolean {
  return c >= 0x30 && c <= 0x39 || (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66;
}

/** True for ASCII `DIGIT`. */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** True when `text` contains a non-ASCII code unit. */
export function hasNonAscii(text: string): boolean {
  // deno-lint-ignore no-control-regex
  return /[^\x00-\x7f]/.test(text);
}

/** True for `text` = 1*atext *("." 1*atext) — RFC 5322 `dot-atom-text`, RFC 5321 `Dot-string`. */
export function isDotAtomText(text: string): boolean {
  if (text.length === 0) return false;
  let atomStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (atomStart) return false;
      atomStart = true;
    } else if (isAtext(c)) atomStart = false;
    else return false;
  }
  return !atomStart;
}
