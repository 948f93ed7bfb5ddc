/**
 * The MIME builder: a message composed from text, HTML, attachments and inline images
 * (RFC 5322 + RFC 2045-2049), streamed, with its exact size known before it is sent.
 *
 * @module
 */

import { formatAddressList, type Mailbox, parseAddressList } from "../address/mod.ts";
import { concatBytes } from "../wire/bytes.ts";
import { addressFieldValue } from "./address_field.ts";
import { Base64Encoder } from "./base64_encoder.ts";
import { MessageDraftError, MessageSourceError } from "./compose_errors.ts";
import { formatDate } from "./date.ts";
import { encodeWords, isPlainAscii, unstructuredValue } from "./encoded_word_encoder.ts";
import { foldField, isFieldName } from "./header_folding.ts";
import { htmlToText } from "./html_text.ts";
import { mediaTypeForFileName } from "./media_type.ts";
import { entitySize, type MimeEntity, streamEntity } from "./mime_entity.ts";
import { encodeQuotedPrintable } from "./quoted_printable_encoder.ts";
import { formatParameter, quote } from "./rfc2231_encoder.ts";
import { chooseTransferEncoding } from "./transfer_encoding.ts";

/** A file or octets the message carries. */
export interface AttachmentDraft {
  /** The name the recipient sees (RFC 2183 §2.3); its extension gives the media type. */
  fileName: string;
  /** The media type (RFC 2046), when the file name's extension would guess wrong. */
  mediaType?: string;
  /** The octets, or a file read chunk by chunk while the message is streamed. */
  content: Uint8Array | { path: string };
}

/** What the message says. */
export interface MessageDraft {
  /** The author (From, RFC 5322 §3.6.2); its domain also names the Message-ID. */
  from: Mailbox;
  /** To recipients. */
  to?: readonly Mailbox[];
  /** Cc recipients. (Bcc has no place in the header: recipients go in the envelope.) */
  cc?: readonly Mailbox[];
  /** The Subject text. */
  subject?: string;
  /** The text body, any line endings; derived from `html` when absent and there is HTML. */
  text?: string;
  /** An HTML body: sent as multipart/alternative with the text (RFC 2046 §5.1.4). */
  html?: string;
  /** Attachments (Content-Disposition: attachment, RFC 2183), always base64. */
  attachments?: readonly AttachmentDraft[];
  /**
   * Images the HTML shows: multipart/related with the HTML (RFC 2387), each with the
   * Content-ID `<fileName>`, so the HTML refers to one as `cid:fileName` (RFC 2392).
   */
  inline?: readonly AttachmentDraft[];
  /** Header fields to add, each replacing the generated field of the same name. */
  headers?: readonly { name: string; value: string }[];
  /** The Date field's moment; now by default. */
  date?: Date;
  /** The Message-ID without angle brackets; a random one at the From domain by default. */
  messageId?: string;
}

/** How the message may be encoded. */
export interface ComposeOptions {
  /** The server offered 8BITMIME (RFC 6152): text parts may be 8bit instead of QP/base64. */
  eightBit?: boolean;
}

/** A composed message, ready to stream as many times as needed. */
export interface ComposedMessage {
  /** The exact number of octets {@linkcode ComposedMessage.stream} yields (RFC 1870 SIZE). */
  size: number;
  /** True when a part is 8bit, so MAIL FROM must say BODY=8BITMIME (RFC 6152 §3). */
  eightBit: boolean;
  /** The message's octets, CRLF line endings; each call streams it anew. */
  stream(): ReadableStream<Uint8Array>;
}

// Fields the parts decide; a draft's header cannot replace them without breaking the MIME.
const MIME_FIELDS = new Set(["content-type", "content-transfer-encoding", "mime-version"]);
// Fields whose value is an address list (RFC 5322 §3.6.2, §3.6.3).
const ADDRESS_FIELDS = new Set(["from", "sender", "reply-to", "to", "cc", "bcc"]);
// RFC 5322 §3.2.3: characters a dot-atom (a Content-ID's left side) may hold.
const NOT_ID_CHAR = /[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]/g;

/**
 * Composes a message: text alone is one part; HTML makes multipart/alternative (text first,
 * derived from the HTML when absent); inline images wrap the HTML in multipart/related;
 * attachments wrap it all in multipart/mixed. Text parts get 7bit, 8bit (only with
 * `eightBit`), quoted-printable or base64 by what they hold. Files are only stat'ed here:
 * they are read while streaming. Throws {@linkcode MessageDraftError} and
 * {@linkcode MessageSourceError}.
 *
 * @example
 * ```ts ignore
 * import { composeMessage } from "./builder.ts";
 * const from = { address: "a@x.test", localPart: "a", domain: "x.test" };
 * const message = await composeMessage({
 *   from,
 *   to: [from],
 *   subject: "Report",
 *   html: '<p>Our logo: <img src="cid:logo.png"></p>',
 *   inline: [{ fileName: "logo.png", content: { path: "logo.png" } }],
 *   attachments: [{ fileName: "report.pdf", content: { path: "/tmp/report.pdf" } }],
 * });
 * await message.stream().pipeTo(Deno.stdout.writable);
 * ```
 */
export async function composeMessage(
  draft: MessageDraft,
  options: ComposeOptions = {},
): Promise<ComposedMessage> {
  const header = messageFields(draft);
  const root = await bodyEntity(draft, options.eightBit ?? false);
  root.fields = [...header, "MIME-Version: 1.0", ...root.fields];
  return {
    size: entitySize(root),
    eightBit: usesEightBit(root),
    stream: () => ReadableStream.from(streamEntity(root)),
  };
}

/** Date, From, To, Cc, Subject, Message-ID (RFC 5322 §3.6), then the draft's own fields. */
function messageFields(draft: MessageDraft): string[] {
  const fields: [string, string][] = [
    ["Date", formatDate(draft.date ?? new Date())],
    ["From", addressFieldValue([draft.from])],
  ];
  if (draft.to?.length) fields.push(["To", addressFieldValue(draft.to)]);
  if (draft.cc?.length) fields.push(["Cc", addressFieldValue(draft.cc)]);
  if (draft.subject !== undefined) fields.push(["Subject", unstructuredValue(draft.subject)]);
  fields.push(["Message-ID", `<${draft.messageId ?? randomMessageId(draft.from.domain)}>`]);
  const generated = new Set(fields.map(([name]) => name.toLowerCase()));
  for (const { name, value } of draft.headers ?? []) {
    const key = name.toLowerCase();
    if (!isFieldName(name)) throw new MessageDraftError(`bad header field name "${name}"`);
    if (MIME_FIELDS.has(key)) {
      throw new MessageDraftError(`${name} is set by postie from the message's parts`);
    }
    const field: [string, string] = [name, draftFieldValue(key, value)];
    const at = fields.findIndex(([other]) => other.toLowerCase() === key);
    if (generated.delete(key)) fields[at] = field;
    else fields.push(field);
  }
  return fields.map(([name, value]) => foldField(name, value));
}

/** A draft's field value: non-ASCII address lists with encoded display names, else text. */
function draftFieldValue(key: string, value: string): string {
  if (!ADDRESS_FIELDS.has(key) || isPlainAscii(value)) return unstructuredValue(value);
  return parseAddressList(value).map((entry) =>
    "group" in entry ? formatAddressList([entry]) : addressFieldValue([entry])
  ).join(", ");
}

/** RFC 5322 §3.6.4: a unique id-left, and the author's domain (in A-labels) as id-right. */
function randomMessageId(domain: string): string {
  let right = domain;
  if (!isPlainAscii(domain)) {
    try {
      right = new URL(`http://${domain}`).hostname;
    } catch {
      right = "postie.invalid";
    }
  }
  return `${crypto.randomUUID()}@${right}`;
}

/** The body's entity tree: text or alternative, inline images, attachments. */
async function bodyEntity(draft: MessageDraft, eightBit: boolean): Promise<MimeEntity> {
  const inline = draft.inline ?? [];
  if (inline.length > 0 && draft.html === undefined) {
    throw new MessageDraftError("inline images need an HTML body that refers to them (cid:)");
  }
  const ids = inline.map((image) => contentId(image.fileName));
  if (new Set(ids).size < ids.length) {
    throw new MessageDraftError(`two inline images have the same Content-ID: ${ids.join(", ")}`);
  }
  const html = draft.html;
  const text = draft.text ?? (html === undefined ? "" : htmlToText(html));
  let body = textEntity(text, "plain", eightBit);
  if (html !== undefined) {
    let rich = textEntity(html, "html", eightBit);
    if (inline.length > 0) {
      const images = await Promise.all(inline.map((image) => fileEntity(image, "inline")));
      // RFC 2387 §3.1: the type parameter names the root part's type.
      rich = multipart("related", [rich, ...images], ['type="text/html"']);
    }
    // RFC 2046 §5.1.4: alternatives in increasing order of preference, plain text first.
    body = multipart("alternative", [body, rich]);
  }
  const attachments = draft.attachments ?? [];
  if (attachments.length === 0) return body;
  const files = await Promise.all(attachments.map((file) => fileEntity(file, "attachment")));
  return multipart("mixed", [body, ...files]);
}

/** A multipart with a fresh boundary ("=_" cannot occur in QP or base64, RFC 2045 §6.7). */
function multipart(subtype: string, parts: MimeEntity[], params: string[] = []): MimeEntity {
  const boundary = `=_${crypto.randomUUID().replaceAll("-", "")}`;
  const value = [`multipart/${subtype}`, ...formatParameter("boundary", boundary), ...params];
  return { fields: [foldField("Content-Type", value.join("; "))], boundary, parts };
}

/** A text part: CRLF line endings, a final line break, encoded by what it holds. */
function textEntity(text: string, subtype: string, eightBit: boolean): MimeEntity {
  const normalized = text.replace(/\r\n|\r|\n/g, "\r\n").replace(/(?<!\r\n)$/, "\r\n");
  const octets = new TextEncoder().encode(normalized === "\r\n" ? "" : normalized);
  const encoding = chooseTransferEncoding(octets, { eightBit });
  const charset = isPlainAscii(normalized.replace(/\r\n/g, "")) ? "us-ascii" : "utf-8";
  const body = encoding === "quoted-printable"
    ? encodeQuotedPrintable(octets)
    : encoding === "base64"
    ? base64(octets)
    : octets;
  return {
    fields: [`Content-Type: text/${subtype}; charset=${charset}`, transferEncoding(encoding)],
    body,
  };
}

/** An attachment or inline image: base64, so its octets arrive exactly (RFC 2045 §6.8). */
async function fileEntity(
  file: AttachmentDraft,
  disposition: "attachment" | "inline",
): Promise<MimeEntity> {
  const mediaType = file.mediaType ?? mediaTypeForFileName(file.fileName);
  const fields = [
    foldField("Content-Type", [mediaType, ...nameParameter("name", file.fileName)].join("; ")),
    foldField(
      "Content-Disposition",
      [disposition, ...nameParameter("filename", file.fileName)].join("; "),
    ),
    transferEncoding("base64"),
  ];
  if (disposition === "inline") fields.push(`Content-ID: <${contentId(file.fileName)}>`);
  const content = file.content;
  if (content instanceof Uint8Array) return { fields, body: base64(content) };
  return { fields, body: { file: content.path, octets: await fileSize(content.path) } };
}

/**
 * A file name parameter: when it needs RFC 2231's extended value (a name not in ASCII), the
 * same name follows as RFC 2047 words in a quoted string, for readers without RFC 2231
 * (RFC 2231 readers prefer the extended value). Content-Type's `name` gets only that form.
 */
function nameParameter(name: string, value: string): string[] {
  const pieces = formatParameter(name, value);
  if (pieces[0].startsWith(`${name}=`)) return pieces;
  const fallback = `${name}=${quote(encodeWords(value))}`;
  return name === "name" ? [fallback] : [...pieces, fallback];
}

/** The Content-ID of an inline file: its name, characters a dot-atom cannot hold as "_". */
function contentId(fileName: string): string {
  return fileName.replace(NOT_ID_CHAR, "_");
}

async function fileSize(path: string): Promise<number> {
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new Error("not a file");
    return info.size;
  } catch (error) {
    throw new MessageSourceError(path, error instanceof Error ? error.message : String(error));
  }
}

function transferEncoding(encoding: string): string {
  return `Content-Transfer-Encoding: ${encoding}`;
}

function base64(octets: Uint8Array): Uint8Array {
  const encoder = new Base64Encoder();
  return concatBytes([encoder.encode(octets), encoder.end()]);
}

function usesEightBit(entity: MimeEntity): boolean {
  if (entity.fields.includes(transferEncoding("8bit"))) return true;
  return "parts" in entity && entity.parts.some(usesEightBit);
}
