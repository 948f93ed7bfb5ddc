/**
 * The lexical tokens of RFC 5322 §3.2 that structured header fields are made of:
 * folding white space, comments, atoms, quoted strings and domain literals, with the
 * UTF-8 extensions of RFC 6532 §3.2 (raw non-ASCII in atext, qtext, ctext, dtext).
 *
 * @module
 */

import {
  BACKSLASH,
  CR,
  DQUOTE,
  isAtext,
  isNonAscii,
  isVchar,
  isWsp,
  LBRACKET,
  LF,
  LPAREN,
  RBRACKET,
  RPAREN,
} from "./chars.ts";
import { AddressSyntaxError } from "./errors.ts";

/**
 * Opening and closing delimiters. Between them goes printable text other than the
 * delimiters and the backslash (RFC 5322 §3.2.2 ctext, §3.2.4 qtext, §3.4.1 dtext),
 * UTF-8 included (RFC 6532 §3.2).
 */
const DELIMITERS = {
  "quoted string": [DQUOTE, DQUOTE],
  "comment": [LPAREN, RPAREN],
  "domain literal": [LBRACKET, RBRACKET],
} as const;

/**
 * A cursor over one header field body that reads RFC 5322 tokens. Grammar parsers
 * extend it; every method throws {@linkcode AddressSyntaxError} at the offending
 * character.
 */
export class HeaderScanner {
  /** The field body being read. */
  readonly input: string;
  /** Index of the next character to read. */
  pos = 0;
  /** Texts of the comments skipped by {@linkcode skipCfws} since the caller cleared it. */
  comments: string[] = [];

  /** Starts reading `input` at its first character. */
  constructor(input: string) {
    this.input = input;
  }

  /** The code unit at the cursor, NaN at the end. */
  peek(): number {
    return this.input.charCodeAt(this.pos);
  }

  /** True when the whole input has been read. */
  atEnd(): boolean {
    return this.pos >= this.input.length;
  }

  /** The error for whatever is at the cursor. */
  unexpected(at = this.pos): AddressSyntaxError {
    return AddressSyntaxError.unexpected(this.input, at);
  }

  /**
   * Skips CFWS (RFC 5322 §3.2.2), keeping the comment texts in `comments`; returns
   * true when anything was skipped.
   */
  skipCfws(): boolean {
    const start = this.pos;
    for (;;) {
      const c = this.peek();
      if (isWsp(c)) this.pos++;
      else if (c === LPAREN) this.comments.push(this.comment());
      else if (c === CR || c === LF) {
        const next = this.foldEnd(this.pos);
        if (next < 0) break;
        this.pos = next;
      } else break;
    }
    return this.pos > start;
  }

  /** Reads `1*atext` (RFC 5322 §3.2.3, UTF-8 allowed); "" when there is none. */
  atom(): string {
    const start = this.pos;
    while (isAtext(this.peek())) this.pos++;
    return this.input.slice(start, this.pos);
  }

  /** Reads a quoted-string (RFC 5322 §3.2.4) at the cursor and returns its content. */
  quotedString(): string {
    return this.delimited("quoted string");
  }

  /**
   * Reads a comment (RFC 5322 §3.2.2) at the cursor and returns its text: quoted-pairs
   * unescaped, line folds removed, nested comments kept with their parentheses.
   */
  comment(): string {
    return this.delimited("comment");
  }

  /**
   * Reads a domain-literal (RFC 5322 §3.4.1) at the cursor and returns it with its
   * brackets and without its white space; obs-dtext quoted-pairs (§4.4) stay as written.
   */
  domainLiteral(): string {
    return `[${this.delimited("domain literal")}]`;
  }

  /**
   * Reads from the opening delimiter at the cursor to its match and returns what is
   * between: text characters, WSP, quoted-pairs, folds (removed) and, in comments,
   * nested comments.
   */
  private delimited(what: "quoted string" | "comment" | "domain literal"): string {
    const [open, close] = DELIMITERS[what];
    const literal = what === "domain literal";
    const start = this.pos;
    let [value, depth, run] = ["", 1, start + 1];
    for (let i = run; i < this.input.length;) {
      const c = this.input.charCodeAt(i);
      if (c === close) {
        if (--depth === 0) {
          this.pos = i + 1;
          return value + this.input.slice(run, i);
        }
        i++;
      } else if (c === open && what === "comment") {
        depth++;
        i++;
      } else if (c === BACKSLASH) {
        const next = this.quotedPairEnd(i);
        if (next < 0) throw this.unexpected(i + 1);
        if (!literal) [value, run] = [value + this.input.slice(run, i), i + 1];
        i = next;
      } else if (c === CR || c === LF || literal && isWsp(c)) {
        // RFC 5322 §3.2.2: unfolding drops the CRLF; a literal drops its white space too
        const next = isWsp(c) ? i + 1 : this.foldEnd(i);
        if (next < 0) throw this.unexpected(i);
        value += this.input.slice(run, i);
        run = i = next;
      } else if ((isVchar(c) || isNonAscii(c)) && c !== open || isWsp(c)) i++;
      else throw this.unexpected(i);
    }
    throw new AddressSyntaxError(this.input, start, `unterminated ${what}`);
  }

  /**
   * RFC 5322 §3.2.1: quoted-pair = "\" (VCHAR / WSP), VCHAR with UTF-8 (RFC 6532 §3.2).
   * Returns the index after the pair at `i`, or -1.
   */
  private quotedPairEnd(i: number): number {
    const c = this.input.charCodeAt(i + 1);
    return isVchar(c) || isWsp(c) || isNonAscii(c) ? i + 2 : -1;
  }

  /**
   * RFC 5322 §3.2.2: a fold is CRLF followed by WSP (bare LF accepted too, and a line
   * break ending the input). Returns the index after the line break at `i`, or -1.
   */
  private foldEnd(i: number): number {
    let j = i;
    if (this.input.charCodeAt(j) === CR) j++;
    if (this.input.charCodeAt(j) !== LF) return -1;
    j++;
    return j === this.input.length || isWsp(this.input.charCodeAt(j)) ? j : -1;
  }
}
