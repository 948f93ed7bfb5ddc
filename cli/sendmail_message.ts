/**
 * The message `postie sendmail` hands on, made from what came on standard input the way
 * sendmail and Postfix's sendmail treat it: a leading mbox "From " line dropped, Bcc fields
 * removed, missing From, Date and Message-ID fields added, recipients read from To, Cc and Bcc
 * for `-t`, line endings made CRLF. The header is looked at field by field; the body is passed
 * on as bytes, cut only where a line ending changes.
 *
 * @module
 */

import {
  AddressSyntaxError,
  type Mailbox,
  parseAddressList,
  parseMailbox,
} from "../lib/address/mod.ts";
import {
  addressFieldValue,
  foldField,
  formatDate,
  type HeaderField,
  parseHeaderBlock,
} from "../lib/message/mod.ts";
import { isContinuation, startsField } from "../lib/message/header.ts";
import { ExitCode } from "../lib/sysexits.ts";
import { SendInputError } from "./send_run.ts";

const LF = 10;
const CR = 13;
const CRLF = Uint8Array.of(CR, LF);
const MBOX_FROM = new TextEncoder().encode("From ");
const encoder = new TextEncoder();

/** What the message needs from the command line. */
export interface SendmailMessageOptions {
  /** The envelope sender's address, for a From field the message lacks ("" for `<>`). */
  sender: string;
  /** `-F`: the display name of an added From field. */
  fullName?: string;
  /** `-t`: read the recipients from To, Cc and Bcc. */
  extractRecipients: boolean;
  /** The domain of an added Message-ID. */
  domain: string;
  /** When the message is submitted, for an added Date field; now by default. */
  date?: Date;
}

/** The message ready to send, and the recipients its header names (with `-t`). */
export interface SendmailMessage {
  /** The content as pieces, views of the input where nothing changed; CRLF line endings. */
  content: Uint8Array[];
  /** Its size in octets (RFC 1870). */
  size: number;
  /** Mailboxes of To, Cc and Bcc, in order; empty without `-t`. */
  headerRecipients: Mailbox[];
}

/**
 * Turns sendmail's input into the message to send. Throws {@linkcode SendInputError} (65)
 * when `-t` finds a To, Cc or Bcc field that is not an address list.
 *
 * @example
 * ```ts
 * const input = new TextEncoder().encode("To: b@y.test\nBcc: c@z.test\n\nhi\n");
 * const message = prepareSendmailMessage(input, {
 *   sender: "a@x.test", extractRecipients: true, domain: "x.test",
 * });
 * message.headerRecipients.map((m) => m.address); // ["b@y.test", "c@z.test"]
 * ```
 */
export function prepareSendmailMessage(
  input: Uint8Array,
  options: SendmailMessageOptions,
): SendmailMessage {
  const message = withoutMboxFromLine(input);
  const { headerEnd, bodyStart } = splitHeader(message);
  const fields = parseHeaderBlock(message.subarray(0, headerEnd), []);
  const content: Uint8Array[] = [];
  for (const field of fields) {
    // RFC 5322 §3.6.3: the Bcc field is removed before the message goes out.
    if (!named(field, "bcc")) pushWithCrlf(field.raw, content);
  }
  const last = fields.at(-1)?.raw;
  if (last !== undefined && last.at(-1) !== LF) content.push(CRLF);
  content.push(...missingFields(fields, options), CRLF);
  pushWithCrlf(message.subarray(bodyStart), content);
  const headerRecipients = options.extractRecipients ? recipientsOf(fields) : [];
  const size = content.reduce((sum, piece) => sum + piece.length, 0);
  return { content, size, headerRecipients };
}

/**
 * Pushes `bytes` onto `out` with every line ending as CRLF (RFC 5321 §2.3.8: a bare LF or CR
 * is not a line ending on the wire), as views between the line breaks that change. Input
 * from a Unix program ends its lines with LF; BDAT, unlike DATA, sends content as it is.
 */
function pushWithCrlf(bytes: Uint8Array, out: Uint8Array[]): void {
  let run = 0;
  let i = 0;
  let cr = bytes.indexOf(CR);
  let lf = bytes.indexOf(LF);
  while (i < bytes.length) {
    if (cr !== -1 && cr < i) cr = bytes.indexOf(CR, i);
    if (lf !== -1 && lf < i) lf = bytes.indexOf(LF, i);
    const at = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
    if (at === -1) break;
    if (at === cr && bytes[at + 1] === LF) {
      i = at + 2;
      continue;
    }
    out.push(bytes.subarray(run, at), CRLF);
    run = i = at + 1;
  }
  if (run < bytes.length) out.push(bytes.subarray(run));
}

/** Postfix's and sendmail's habit: an mbox "From " line before the header is dropped. */
function withoutMboxFromLine(input: Uint8Array): Uint8Array {
  if (!MBOX_FROM.every((byte, i) => input[i] === byte)) return input;
  const lf = input.indexOf(LF);
  return lf === -1 ? input.subarray(input.length) : input.subarray(lf + 1);
}

/**
 * Where the header ends and the body starts: at the blank line (RFC 5322 §2.1), or at the
 * first line that is neither a field nor a continuation (the body of a message with none).
 */
function splitHeader(message: Uint8Array): { headerEnd: number; bodyStart: number } {
  let pos = 0;
  while (pos < message.length) {
    const lf = message.indexOf(LF, pos);
    const next = lf === -1 ? message.length : lf + 1;
    const blank = next - pos === 1 || (next - pos === 2 && message[pos] === CR);
    if (blank && lf !== -1) return { headerEnd: pos, bodyStart: next };
    const line = message.subarray(pos, next);
    if (!startsField(line) && !(pos > 0 && isContinuation(line))) {
      return { headerEnd: pos, bodyStart: pos };
    }
    pos = next;
  }
  return { headerEnd: pos, bodyStart: pos };
}

/** From, Date and Message-ID when the message has none, as Postfix adds them on submission. */
function missingFields(fields: HeaderField[], options: SendmailMessageOptions): Uint8Array[] {
  const lines: string[] = [];
  const has = (name: string) => fields.some((field) => named(field, name));
  // RFC 5322 §3.6: Date and From are required; Message-ID SHOULD be present (§3.6.4).
  if (!has("from")) lines.push(foldField("From", fromMailbox(options)));
  if (!has("date")) lines.push(`Date: ${formatDate(options.date ?? new Date())}`);
  if (!has("message-id")) lines.push(`Message-ID: <${crypto.randomUUID()}@${options.domain}>`);
  return lines.map((line) => encoder.encode(`${line}\r\n`));
}

/** The added From: the envelope sender, with `-F`'s name (RFC 2047 words when not ASCII). */
function fromMailbox({ sender, fullName, domain }: SendmailMessageOptions): string {
  const mailbox = parseMailbox(sender === "" ? `MAILER-DAEMON@${domain}` : sender);
  return addressFieldValue([{ ...mailbox, name: fullName || undefined }]);
}

/** `-t`: the mailboxes of every To, Cc and Bcc field; groups give their members. */
function recipientsOf(fields: HeaderField[]): Mailbox[] {
  const mailboxes: Mailbox[] = [];
  for (const field of fields) {
    if (!named(field, "to") && !named(field, "cc") && !named(field, "bcc")) continue;
    try {
      for (const entry of parseAddressList(field.unfolded)) {
        mailboxes.push(...("group" in entry ? entry.members : [entry]));
      }
    } catch (error) {
      if (!(error instanceof AddressSyntaxError)) throw error;
      throw new SendInputError(ExitCode.DataErr, `${field.name}: ${error.message}`);
    }
  }
  return mailboxes;
}

function named(field: HeaderField, lowerCaseName: string): boolean {
  return field.name.toLowerCase() === lowerCaseName;
}
