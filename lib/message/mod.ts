/**
 * lib/message: header fields (folding, RFC 2047, RFC 2231, RFC 6532), the streaming MIME
 * parser and its part tree, base64 and quoted-printable decoders and encoders, charsets,
 * dates, and the MIME builder that composes a streamed message from text, HTML and files.
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

export { addressFieldValue } from "./address_field.ts";
export { Base64Decoder } from "./base64.ts";
export { base64EncodedLength, Base64Encoder } from "./base64_encoder.ts";
export {
  type AttachmentDraft,
  type ComposedMessage,
  composeMessage,
  type ComposeOptions,
  type MessageDraft,
} from "./builder.ts";
export { charsetDecoder, decodeCharset, type DecodedText, latin1 } from "./charset.ts";
export {
  type ContentDisposition,
  type ContentType,
  defaultContentType,
  parseContentDisposition,
  parseContentType,
} from "./content_type.ts";
export { MessageDraftError, MessageSourceError } from "./compose_errors.ts";
export { formatDate } from "./date.ts";
export { parseDate } from "./date_parser.ts";
export { decodeEncodedWords } from "./encoded_word.ts";
export { encodeWords, isPlainAscii, unstructuredValue } from "./encoded_word_encoder.ts";
export { findField, HeaderField, parseHeaderBlock } from "./header.ts";
export { foldField, HeaderLineTooLongError, isFieldName } from "./header_folding.ts";
export { htmlToText } from "./html_text.ts";
export { type MboxEvent, MboxSplitter } from "./mbox.ts";
export { mediaTypeForFileName, OCTET_STREAM } from "./media_type.ts";
export { MIME_PARSER_DEFAULTS, MimeParser, type MimeParserOptions } from "./mime_parser.ts";
export { type ParameterizedValue, type RawParameter, splitParameters } from "./mime_parameters.ts";
export { findPart, type MessagePart, walkParts } from "./part.ts";
export { parseMessage } from "./parse_message.ts";
export { QuotedPrintableDecoder } from "./quoted_printable.ts";
export { encodeQuotedPrintable } from "./quoted_printable_encoder.ts";
export { combineParameters } from "./rfc2231.ts";
export { formatParameter } from "./rfc2231_encoder.ts";
export { chooseTransferEncoding, type TransferEncoding } from "./transfer_encoding.ts";
