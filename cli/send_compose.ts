/**
 * The simple text message `postie send` composes from --subject and --body: RFC 5322 header
 * fields (Date, Message-ID, From, To, Cc; never Bcc) and one text/plain part.
 *
 * @module
 */

import { formatMailbox, type Mailbox } from "../lib/address/mod.ts";
import { formatDate } from "../lib/message/mod.ts";
import { encodeWords, isPlainAscii } from "./send_encoded_word.ts";
import { encodeQuotedPrintable } from "./send_quoted_printable.ts";

/** RFC 5322 §2.1.1: lines SHOULD stay within 78 characters, and MUST within 998. */
const FOLD_AT = 78;
const MAX_LINE_OCTETS = 998;

/** What the message says. */
export interface ComposeInput {
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  subject?: string;
  /** The body text; any line endings. */
  body: string;
  /** The Date field's moment; now by default. */
  date?: Date;
  /** The Message-ID without angle brackets; a random one at the From domain by default. */
  messageId?: string;
}

/**
 * Builds the message: 7bit when the text is ASCII with lines within 998 octets, else
 * quoted-printable UTF-8; CRLF line endings throughout.
 *
 * @example
 * ```ts
 * import { composeMessage } from "./send_compose.ts";
 * const from = { address: "a@x.test", localPart: "a", domain: "x.test" };
 * composeMessage({ from, to: [from], cc: [], subject: "hi", body: "Hello\n" });
 * ```
 */
export function composeMessage(input: ComposeInput): Uint8Array {
  const lines = input.body.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
  const encoder = new TextEncoder();
  const plain = isPlainAscii(input.body.replace(/[\r\n]/g, "")) &&
    lines.every((line) => line.length <= MAX_LINE_OCTETS);
  const header = [
    `Date: ${formatDate(input.date ?? new Date())}`,
    `From: ${mailboxField(input.from)}`,
    ...(input.to.length > 0 ? [addressField("To", input.to)] : []),
    ...(input.cc.length > 0 ? [addressField("Cc", input.cc)] : []),
    ...(input.subject !== undefined ? [`Subject: ${subjectField(input.subject)}`] : []),
    `Message-ID: <${input.messageId ?? `${crypto.randomUUID()}@${input.from.domain}`}>`,
    "MIME-Version: 1.0",
    `Content-Type: text/plain; charset=${plain ? "us-ascii" : "utf-8"}`,
    `Content-Transfer-Encoding: ${plain ? "7bit" : "quoted-printable"}`,
  ];
  const body = plain ? lines.join("\r\n") : encodeQuotedPrintable(lines);
  return encoder.encode(`${header.join("\r\n")}\r\n\r\n${body}\r\n`);
}

/** A mailbox with its display name as encoded-words when not ASCII (RFC 2047 §5 (3)). */
function mailboxField(mailbox: Mailbox): string {
  if (mailbox.name === undefined || isPlainAscii(mailbox.name)) return formatMailbox(mailbox);
  const address = formatMailbox({ ...mailbox, name: undefined });
  return `${encodeWords(mailbox.name)} <${address}>`;
}

/** `Name: a, b, …`, folded before an address that would pass 78 characters. */
function addressField(name: string, mailboxes: Mailbox[]): string {
  let field = `${name}:`;
  let lineLength = field.length;
  for (const [i, mailbox] of mailboxes.entries()) {
    const text = mailboxField(mailbox) + (i < mailboxes.length - 1 ? "," : "");
    const firstLine = text.split("\r\n")[0];
    if (i > 0 && lineLength + 1 + firstLine.length > FOLD_AT) {
      field += "\r\n"; // RFC 5322 §2.2.3: fold at white space
      lineLength = 0;
    }
    field += ` ${text}`;
    lineLength += 1 + text.length;
  }
  return field;
}

function subjectField(subject: string): string {
  return isPlainAscii(subject) ? subject : encodeWords(subject);
}
