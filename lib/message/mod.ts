/**
 * lib/message: header fields (folding, RFC 2047, RFC 2231, RFC 6532), the streaming MIME
 * parser and its part tree, base64 and quoted-printable decoders, charsets, dates.
 *
 * @example
 * ```ts
 * import { parseMessage, walkParts } from "./mod.ts";
 * const root = await parseMessage(await Deno.readFile("message.eml"));
 * for (const part of walkParts(root)) console.log(part.path, part.contentType.mediaType);
 * ```
 *
 * @module
 */

export { Base64Decoder } from "./base64.ts";
export { charsetDecoder, decodeCharset, type DecodedText, latin1 } from "./charset.ts";
export {
  type ContentDisposition,
  type ContentType,
  defaultContentType,
  parseContentDisposition,
  parseContentType,
} from "./content_type.ts";
export { formatDate } from "./date.ts";
export { parseDate } from "./date_parser.ts";
export { decodeEncodedWords } from "./encoded_word.ts";
export { findField, HeaderField, parseHeaderBlock } from "./header.ts";
export { htmlToText } from "./html_text.ts";
export { type MboxEvent, MboxSplitter } from "./mbox.ts";
export { MIME_PARSER_DEFAULTS, MimeParser, type MimeParserOptions } from "./mime_parser.ts";
export { type ParameterizedValue, type RawParameter, splitParameters } from "./mime_parameters.ts";
export { findPart, type MessagePart, walkParts } from "./part.ts";
export { parseMessage } from "./parse_message.ts";
export { QuotedPrintableDecoder } from "./quoted_printable.ts";
export { combineParameters } from "./rfc2231.ts";
