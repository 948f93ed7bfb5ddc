/**
 * Bytes on the wire: the CRLF line reader with limits, the reply and command codecs,
 * ESMTP parameters and xtext, DATA dot-stuffing and BDAT chunks.
 *
 * @example
 * ```ts
 * import { formatReply, LineReader, parseCommand, reply } from "./mod.ts";
 * const reader = new LineReader(ReadableStream.from([new TextEncoder().encode("NOOP\r\n")]));
 * const line = await reader.readLine();
 * if (line && parseCommand(line.bytes).verb === "NOOP") formatReply(reply(250, "2.0.0", "Ok"));
 * ```
 *
 * @module
 */

export {
  CommandSyntaxError,
  LineTooLongError,
  ReplySyntaxError,
  UnexpectedEofError,
  WireError,
} from "./errors.ts";
export {
  COMMAND_LINE_LIMIT,
  type Line,
  LineReader,
  type LineReaderOptions,
  TEXT_LINE_LIMIT,
} from "./line_reader.ts";
export { type ChunkSource, readerSource, streamSource } from "./chunk_source.ts";
export { readChunk } from "./bdat.ts";
export {
  encodeReply,
  type EnhancedStatus,
  formatEnhancedStatus,
  formatReply,
  parseEnhancedStatus,
  type Reply,
  reply,
  ReplyParser,
} from "./reply.ts";
export {
  type Command,
  formatCommand,
  parseCommand,
  parseMailArgument,
  parseRcptArgument,
  type PathArgument,
} from "./command.ts";
export {
  type EsmtpParameters,
  formatEsmtpParameters,
  type NotifyCondition,
  parseEsmtpParameters,
} from "./esmtp_parameters.ts";
export { xtextDecode, xtextEncode } from "./xtext.ts";
export {
  CrlfStream,
  type DotDecodeResult,
  DotStuffer,
  DotStuffStream,
  DotUnstuffer,
  DotUnstuffStream,
} from "./dot.ts";
