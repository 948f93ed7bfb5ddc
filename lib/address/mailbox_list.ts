/**
 * RFC 5322 §3.4 address lists, the bodies of From, To, Cc, Bcc and Reply-To: mailboxes
 * with display names, groups, comments, the obsolete forms of §4.4 that real mail still
 * carries, and raw UTF-8 (RFC 6532). RFC 2047 encoded-words are left as written.
 *
 * @module
 */

import { AT, COLON, COMMA, DOT, DQUOTE, GT, isAtext, LBRACKET, LT, SEMICOLON } from "./chars.ts";
import { AddressSyntaxError } from "./errors.ts";
import { HeaderScanner } from "./lexical.ts";
import { canonicalLocalPart } from "./path.ts";
import { quoteString } from "./quoting.ts";

/** An RFC 5322 mailbox: `name-addr` or `addr-spec`. */
export interface Mailbox {
  /** Display name, unquoted, comments left out; else the trailing comment, if any. */
  name?: string;
  /** `local@domain`, the local part quoted only if needed. */
  address: string;
  /** The local part, unquoted. */
  localPart: string;
  /** The domain as written, white space and comments removed; domain literals keep `[]`. */
  domain: string;
  /** The comment after the mailbox: `John Doe` in `doe@host.domain (John Doe)`. */
  comment?: string;
}

/** An RFC 5322 group: `display-name ":" [group-list] ";"`. */
export interface Group {
  /** The group's display name. */
  group: string;
  /** Its mailboxes; empty for `undisclosed-recipients:;`. */
  members: Mailbox[];
}

/** One element of an address list. */
export type AddressListEntry = Mailbox | Group;

/** A token of a phrase or obsolete local part. */
interface Word {
  kind: "atom" | "quoted" | "dot";
  text: string;
  start: number;
  /** CFWS came before it. */
  spaced: boolean;
}

/**
 * Parses an address list (RFC 5322 §3.4 `address-list`, with §4.4 `obs-addr-list`).
 * Empty elements are skipped; an empty or all-CFWS field gives `[]`. Throws
 * {@linkcode AddressSyntaxError} pointing at the offending character.
 *
 * @example
 * ```ts
 * import { parseAddressList } from "./mailbox_list.ts";
 * parseAddressList('"Doe, John" <j@x.test>, undisclosed-recipients:;');
 * // [{ name: "Doe, John", address: "j@x.test", localPart: "j", domain: "x.test" },
 * //  { group: "undisclosed-recipients", members: [] }]
 * ```
 */
export function parseAddressList(text: string): AddressListEntry[] {
  const parser = new AddressListParser(text);
  const entries: AddressListEntry[] = [];
  for (;;) {
    parser.skipCfws();
    if (parser.atEnd()) return entries;
    // RFC 5322 §4.4: obs-addr-list allows empty elements, as in "a@x,,b@y"
    if (parser.peek() === COMMA) {
      parser.pos++;
      continue;
    }
    entries.push(parser.address());
    if (parser.atEnd()) return entries;
    if (parser.peek() !== COMMA) throw parser.unexpected();
    parser.pos++;
  }
}

/**
 * Parses a single RFC 5322 `mailbox` (a group is an error).
 *
 * @example
 * ```ts
 * import { parseMailbox } from "./mailbox_list.ts";
 * parseMailbox("doe@host.domain (John Doe)").name; // "John Doe"
 * ```
 */
export function parseMailbox(text: string): Mailbox {
  const parser = new AddressListParser(text);
  parser.skipCfws();
  const mailbox = parser.mailbox();
  if (!parser.atEnd()) throw parser.unexpected();
  return mailbox;
}

/**
 * Writes a mailbox as `name <local@domain>`, or `local@domain` without a name. The
 * display name stays a phrase of atoms when it is one, else it is quoted; the local
 * part is quoted only if needed; comments are not written. Non-ASCII stays raw UTF-8
 * (RFC 6532); RFC 2047 encoding is the message layer's job. Throws
 * {@linkcode AddressSyntaxError} for control characters in the name.
 *
 * @example
 * ```ts
 * import { formatMailbox } from "./mailbox_list.ts";
 * formatMailbox({ name: "Doe, John", address: "j@x.test", localPart: "j", domain: "x.test" });
 * // '"Doe, John" <j@x.test>'
 * ```
 */
export function formatMailbox(mailbox: Mailbox): string {
  const address = `${canonicalLocalPart(mailbox.localPart)}@${mailbox.domain}`;
  if (!mailbox.name) return address;
  return `${formatPhrase(mailbox.name)} <${address}>`;
}

/**
 * Writes an address list: mailboxes as {@linkcode formatMailbox} does, groups as
 * `name: member, member;`, elements separated by ", " (folding is the caller's job).
 *
 * @example
 * ```ts
 * import { formatAddressList } from "./mailbox_list.ts";
 * formatAddressList([{ group: "undisclosed-recipients", members: [] }]);
 * // "undisclosed-recipients:;"
 * ```
 */
export function formatAddressList(entries: AddressListEntry[]): string {
  return entries.map((entry) =>
    "group" in entry
      ? `${formatPhrase(entry.group)}:${entry.members.map(formatMailbox).join(", ")};`
      : formatMailbox(entry)
  ).join(", ");
}

/** RFC 5322 §3.2.5: a phrase of atoms separated by single spaces stays as is, else quoted. */
function formatPhrase(name: string): string {
  const words = name.split(" ");
  const atoms = words.every((w) => w.length > 0 && [...w].every((c) => isAtext(c.charCodeAt(0))));
  return atoms ? name : quoteString(name);
}

/** The grammar of RFC 5322 §3.4 over the tokens of {@linkcode HeaderScanner}. */
class AddressListParser extends HeaderScanner {
  /** RFC 5322 §3.4: address = mailbox / group. */
  address(): AddressListEntry {
    const words = this.phrase();
    if (this.peek() === COLON && words.length > 0) return this.group(words);
    return this.mailboxAfter(words);
  }

  /** RFC 5322 §3.4: mailbox = name-addr / addr-spec. */
  mailbox(): Mailbox {
    return this.mailboxAfter(this.phrase());
  }

  /** The mailbox whose leading words (display name or local part) are already read. */
  private mailboxAfter(words: Word[]): Mailbox {
    const c = this.peek();
    if (c === LT) return this.angleAddr(words.length ? this.displayName(words) : undefined);
    if (c === AT) {
      const { localPart, domain } = this.addrSpec(words);
      return makeMailbox(localPart, domain, undefined, this.takeComment());
    }
    if (c === COLON && words.length > 0) {
      throw new AddressSyntaxError(this.input, this.pos, "group not allowed here");
    }
    throw this.unexpected();
  }

  /** RFC 5322 §3.4: group = display-name ":" [group-list] ";" [CFWS]. */
  private group(words: Word[]): Group {
    const group = this.displayName(words);
    const members: Mailbox[] = [];
    this.pos++;
    for (;;) {
      this.skipCfws();
      // A group missing its ";" at the end of the field is common enough to accept.
      if (this.atEnd()) break;
      const c = this.peek();
      if (c === SEMICOLON) {
        this.pos++;
        break;
      }
      // RFC 5322 §4.4: obs-group-list, empty elements between commas
      if (c === COMMA) this.pos++;
      else {
        members.push(this.mailbox());
        const next = this.peek();
        if (next !== COMMA && next !== SEMICOLON && !this.atEnd()) throw this.unexpected();
      }
    }
    this.skipCfws();
    return { group, members };
  }

  /** RFC 5322 §3.4: angle-addr = [CFWS] "<" addr-spec ">" [CFWS], or obs-angle-addr. */
  private angleAddr(name: string | undefined): Mailbox {
    this.pos++;
    this.skipCfws();
    if (this.peek() === AT || this.peek() === COMMA) this.skipObsRoute();
    const words = this.phrase();
    if (this.peek() !== AT) throw this.unexpected();
    const { localPart, domain } = this.addrSpec(words);
    if (this.peek() !== GT) throw this.unexpected();
    this.pos++;
    this.comments = [];
    this.skipCfws();
    return makeMailbox(localPart, domain, name, this.takeComment());
  }

  /** RFC 5322 §4.4: obs-route = obs-domain-list ":", accepted and ignored. */
  private skipObsRoute(): void {
    let afterDomain = false;
    let domains = 0;
    for (;;) {
      this.skipCfws();
      const c = this.peek();
      if (c === COLON && domains > 0) break;
      if (c === COMMA) afterDomain = false;
      else if (c === AT && !afterDomain) {
        this.pos++;
        this.domain();
        [afterDomain, domains] = [true, domains + 1];
        continue;
      } else throw this.unexpected();
      this.pos++;
    }
    this.pos++;
  }

  /**
   * RFC 5322 §3.4.1: addr-spec = local-part "@" domain, the local part's words read
   * already and the cursor on "@".
   */
  private addrSpec(words: Word[]): { localPart: string; domain: string } {
    const localPart = this.localPart(words);
    this.pos++;
    return { localPart, domain: this.domain() };
  }

  /**
   * RFC 5322 §3.4.1: domain = dot-atom / domain-literal / obs-domain (§4.4: CFWS
   * around the dots). Leaves in `comments` those that follow the domain.
   */
  private domain(): string {
    this.skipCfws();
    if (this.peek() === LBRACKET) {
      const literal = this.domainLiteral();
      this.comments = [];
      this.skipCfws();
      return literal;
    }
    let domain = "";
    for (;;) {
      const atom = this.atom();
      if (atom === "") throw this.unexpected();
      domain += atom;
      this.comments = [];
      this.skipCfws();
      if (this.peek() !== DOT) return domain;
      this.pos++;
      domain += ".";
      this.skipCfws();
    }
  }

  /** Reads a phrase-like run of words and dots, CFWS between them. */
  private phrase(): Word[] {
    const words: Word[] = [];
    for (;;) {
      const spaced = this.skipCfws();
      const start = this.pos;
      const c = this.peek();
      if (c === DQUOTE) words.push({ kind: "quoted", text: this.quotedString(), start, spaced });
      else if (c === DOT) {
        this.pos++;
        words.push({ kind: "dot", text: ".", start, spaced });
      } else if (isAtext(c)) words.push({ kind: "atom", text: this.atom(), start, spaced });
      else return words;
    }
  }

  /**
   * RFC 5322 §3.2.5: display-name = phrase; §4.4: obs-phrase = word *(word / "." /
   * CFWS). Words join with one space where CFWS separated them.
   */
  private displayName(words: Word[]): string {
    if (words[0].kind === "dot") throw this.unexpected(words[0].start);
    let name = words[0].text;
    for (let k = 1; k < words.length; k++) name += (words[k].spaced ? " " : "") + words[k].text;
    return name;
  }

  /**
   * RFC 5322 §3.4.1: local-part = dot-atom / quoted-string / obs-local-part, where
   * §4.4 obs-local-part = word *("." word) allows CFWS around the dots.
   */
  private localPart(words: Word[]): string {
    let local = "";
    let wordNext = true;
    for (const word of words) {
      if ((word.kind !== "dot") !== wordNext) throw this.unexpected(word.start);
      local += word.text;
      wordNext = !wordNext;
    }
    if (wordNext) throw this.unexpected();
    return local;
  }

  /** The comments skipped since the last reset, as one text (undefined if blank). */
  private takeComment(): string | undefined {
    const comment = this.comments.map((c) => c.trim()).filter((c) => c !== "").join(" ");
    this.comments = [];
    return comment || undefined;
  }
}

/**
 * A mailbox with keys in a fixed order and absent ones left out. A mailbox without a
 * display name takes its comment as name, as mail clients show it.
 */
function makeMailbox(
  localPart: string,
  domain: string,
  name: string | undefined,
  comment: string | undefined,
): Mailbox {
  const shown = name || comment;
  return {
    ...(shown ? { name: shown } : {}),
    address: `${canonicalLocalPart(localPart)}@${domain}`,
    localPart,
    domain,
    ...(comment ? { comment } : {}),
  };
}
