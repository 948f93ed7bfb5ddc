/**
 * The message `postie send` sends: a file as is (--data, with --add-header fields in front),
 * or one composed by lib/message's builder from --subject, --body, --html, --attach, --inline
 * and --header. Load mode and sendmail mode build theirs with the same functions.
 *
 * @module
 */

import { Option } from "@commander-js/extra-typings";
import { AddressSyntaxError, type Mailbox } from "../lib/address/mod.ts";
import {
  type AttachmentDraft,
  composeMessage,
  foldField,
  HeaderLineTooLongError,
  isFieldName,
  type MessageDraft,
  MessageDraftError,
  MessageSourceError,
  unstructuredValue,
} from "../lib/message/mod.ts";
import { ExitCode } from "../lib/sysexits.ts";
import { readInput } from "./read_input.ts";

/** An --attach file, with the --attach-type given before it, if any. */
export interface AttachOption {
  /** The file's path; its base name is the name the recipient sees. */
  path: string;
  /** The media type to use instead of the one its extension says. */
  type?: string;
}

/** The options a composed message is made of. */
export interface ComposeFlags {
  /** --subject. */
  subject?: string;
  /** --body: the text. */
  body?: string;
  /** --body-file: the text's file (UTF-8), or - for stdin. */
  bodyFile?: string;
  /** --html: an HTML file (UTF-8), sent with the text as multipart/alternative. */
  html?: string;
  /** --attach, in order. */
  attach?: AttachOption[];
  /** --inline: images the HTML refers to as cid:NAME. */
  inline?: string[];
  /** --header "Name: value", replacing a generated field of the same name. */
  header?: string[];
}

/** Where a message comes from: composed, or --data. */
export interface ContentFlags extends ComposeFlags {
  /** --data: a whole message file, or - for stdin. */
  data?: string;
  /** --add-header "Name: value": fields put in front of the message. */
  addHeader?: string[];
}

/** The message to send: opened when the server is ready for it, with its size if known. */
export interface MessageContent {
  /** Opens the message's octets; a composed message can be opened again and again. */
  open: () => ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>;
  /** Its size in octets (RFC 1870), when known before sending. */
  size?: number;
}

/** A reason not to send the message, with the sysexits code to exit with. */
export class ComposeInputError extends Error {
  /** The sysexits code. */
  readonly exitCode: number;

  /** Creates the error with its exit code and a message naming the flag. */
  constructor(exitCode: number, message: string) {
    super(message);
    this.exitCode = exitCode;
    this.name = "ComposeInputError";
  }
}

/**
 * `--attach FILE` (repeatable) and `--attach-type TYPE`, which applies to the --attach
 * options after it (as swaks does). The two share their state, so each command gets a pair.
 */
export function attachmentOptions() {
  let type: string | undefined;
  return {
    attach: new Option("--attach <file>", "attach FILE (repeatable); media type from its name")
      .argParser((path: string, previous: AttachOption[] = []) => [...previous, { path, type }]),
    attachType: new Option("--attach-type <type>", "media type of the --attach files after it")
      .argParser((value: string) => (type = value)),
  };
}

/** Collects a repeatable option's values in order. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * The message the options describe: --data's file (or stdin) as is, its size declared when it
 * is a file, after any --add-header fields; else the composed message, 7bit-safe (8bit would
 * need the server's 8BITMIME before MAIL FROM).
 *
 * @example
 * ```ts ignore
 * import { messageContent } from "./send_compose.ts";
 * const from = { address: "a@x.test", localPart: "a", domain: "x.test" };
 * const content = await messageContent({ subject: "hi", body: "Hello" }, { from, to: [from] });
 * await (await content.open()).pipeTo(Deno.stdout.writable);
 * ```
 */
export async function messageContent(
  flags: ContentFlags,
  people: { from?: Mailbox; to?: Mailbox[]; cc?: Mailbox[] },
): Promise<MessageContent> {
  const added = addedFields(flags.addHeader ?? []);
  const message = flags.data !== undefined
    ? await dataContent(flags.data)
    : await composedContent(await draftFromFlags(flags, people));
  return added.length === 0 ? message : withFieldsInFront(added, message);
}

/**
 * `content` with header fields in front (octets, each field ending in CRLF): --add-header's,
 * or a DKIM-Signature. The size, if known, grows by theirs.
 */
export function withFieldsInFront(fields: Uint8Array, content: MessageContent): MessageContent {
  return {
    open: async () => ReadableStream.from(prepend(fields, await content.open())),
    size: content.size === undefined ? undefined : fields.length + content.size,
  };
}

/**
 * The draft the composing options describe. The text is --body, --body-file, or stdin when
 * neither (nor --html) is given and stdin is not a terminal; with --html and no text, the
 * builder derives the text from the HTML.
 */
export async function draftFromFlags(
  flags: ComposeFlags,
  people: { from?: Mailbox; to?: Mailbox[]; cc?: Mailbox[] },
): Promise<MessageDraft> {
  if (!people.from) throw new ComposeInputError(ExitCode.Usage, "give --from");
  let text = flags.body;
  if (flags.bodyFile !== undefined) text = await readText(flags.bodyFile, "--body-file");
  else if (text === undefined && flags.html === undefined && !Deno.stdin.isTerminal()) {
    text = await readText("-", "stdin");
  }
  const attachment = (path: string, mediaType?: string): AttachmentDraft => ({
    fileName: path.replace(/^.*[\\/]/, ""),
    mediaType,
    content: { path },
  });
  return {
    from: people.from,
    to: people.to,
    cc: people.cc,
    subject: flags.subject,
    text,
    html: flags.html === undefined ? undefined : await readText(flags.html, "--html"),
    attachments: (flags.attach ?? []).map((file) => attachment(file.path, file.type)),
    inline: (flags.inline ?? []).map((path) => attachment(path)),
    headers: (flags.header ?? []).map((text) => headerOption(text, "--header")),
  };
}

/** Composes the draft; its errors become {@linkcode ComposeInputError}s with exit codes. */
async function composedContent(draft: MessageDraft): Promise<MessageContent> {
  try {
    const message = await composeMessage(draft, { eightBit: false });
    return { open: () => message.stream(), size: message.size };
  } catch (error) {
    if (error instanceof MessageSourceError) {
      throw new ComposeInputError(ExitCode.NoInput, error.message);
    }
    if (error instanceof MessageDraftError || error instanceof HeaderLineTooLongError) {
      throw new ComposeInputError(ExitCode.Usage, error.message);
    }
    if (error instanceof AddressSyntaxError) {
      throw new ComposeInputError(ExitCode.Usage, `--header: ${error.message}`);
    }
    throw error;
  }
}

/** The --add-header fields, folded, each with its CRLF. */
function addedFields(texts: string[]): Uint8Array {
  const fields = texts.map((text) => {
    const { name, value } = headerOption(text, "--add-header");
    try {
      return `${foldField(name, unstructuredValue(value))}\r\n`;
    } catch (error) {
      if (!(error instanceof HeaderLineTooLongError)) throw error;
      throw new ComposeInputError(ExitCode.Usage, `--add-header: ${error.message}`);
    }
  });
  return new TextEncoder().encode(fields.join(""));
}

/** `--data FILE|-`: the file streamed as is, its size declared (RFC 1870). */
async function dataContent(file: string): Promise<MessageContent> {
  if (file === "-") return { open: () => Deno.stdin.readable };
  let size: number;
  try {
    size = (await Deno.stat(file)).size;
  } catch (error) {
    throw new ComposeInputError(ExitCode.NoInput, `--data: cannot read ${file}: ${reason(error)}`);
  }
  if (size === 0) throw new ComposeInputError(ExitCode.DataErr, `--data: ${file} is empty`);
  return { open: async () => (await Deno.open(file)).readable, size };
}

/** `Name: value` split at its first colon. */
function headerOption(text: string, flag: string): { name: string; value: string } {
  const colon = text.indexOf(":");
  const name = text.slice(0, Math.max(colon, 0)).trim();
  if (colon < 0 || !isFieldName(name)) {
    throw new ComposeInputError(ExitCode.Usage, `${flag}: "${text}" is not "Name: value"`);
  }
  return { name, value: text.slice(colon + 1).trim() };
}

/** A text file (or - for stdin) as UTF-8. */
async function readText(file: string, flag: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readInput(file);
  } catch (error) {
    throw new ComposeInputError(ExitCode.NoInput, `${flag}: cannot read ${file}: ${reason(error)}`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ComposeInputError(ExitCode.DataErr, `${flag}: ${file} is not UTF-8 text`);
  }
}

async function* prepend(
  head: Uint8Array,
  rest: ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield head;
  yield* rest;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `--dump`: writes the message to stdout instead of sending it; returns the exit code (0, or
 * 66 when a file cannot be read on the way; a reader that stops early, as `head` does, is
 * not an error).
 */
export async function dumpMessage(content: MessageContent): Promise<number> {
  try {
    await (await content.open()).pipeTo(Deno.stdout.writable, { preventClose: true });
  } catch (error) {
    if (error instanceof Deno.errors.BrokenPipe) return ExitCode.Ok;
    if (!(error instanceof MessageSourceError)) throw error;
    console.error(`postie send: ${error.message}`);
    return ExitCode.NoInput;
  }
  return ExitCode.Ok;
}
