import {
  decodeCharset,
  findPart,
  htmlToText,
  type MessagePart,
  type MimeParserOptions,
  walkParts,
} from "../lib/message/mod.ts";
import { ExitCode } from "../lib/sysexits.ts";
import { palette } from "./color.ts";
import { isAttachment, safeFileName, writeUnique } from "./parse_extract.ts";
import { InputError, NotAMessageError, type ParsedMessage, readMessages } from "./parse_input.ts";
import { partJson, renderHeaders, renderSummary, renderTree, summaryJson } from "./parse_render.ts";
import { ProgressBar } from "./progress.ts";

/** `postie parse`'s options, as parsed. */
export interface ParseOptions {
  headers?: true;
  raw?: true;
  part?: string;
  text?: true;
  extract?: string;
  json?: true;
}

/** Parses each input and prints what the options ask for; returns the exit code. */
export async function runParse(files: string[], options: ParseOptions): Promise<number> {
  const modes = [options.headers || options.raw, options.part, options.text, options.extract];
  if (modes.filter(Boolean).length > 1) {
    console.error("postie parse: use one of --headers/--raw, --part, --text, --extract");
    return ExitCode.Usage;
  }
  const parserOptions: MimeParserOptions = { keepBodies: keptBodies(options) };
  const json: unknown[] = [];
  let code: number = ExitCode.Ok;
  let count = 0;
  // Only a terminal gets the bar: scripts and pipes reading stderr see diagnostics alone.
  const progress = Deno.stderr.isTerminal() ? new ProgressBar(Deno.stderr) : undefined;
  for (const file of files) {
    try {
      for await (const message of readMessages(file, parserOptions, progress)) {
        count++;
        if (options.json) json.push(messageJson(message));
        else code = worst(code, await show(message, options, count));
      }
    } catch (error) {
      if (!(error instanceof InputError || error instanceof NotAMessageError)) throw error;
      console.error(`postie parse: ${error.message}`);
      code = worst(code, error instanceof InputError ? ExitCode.NoInput : ExitCode.DataErr);
    }
  }
  if (options.json) write(`${JSON.stringify({ messages: json }, null, 2)}\n`);
  return code;
}

/** Which bodies the parser must keep: only those the chosen output needs. */
function keptBodies(options: ParseOptions): (part: MessagePart) => boolean {
  if (options.part !== undefined) return (part) => part.path === options.part;
  if (options.text) return (part) => part.contentType.type === "text";
  if (options.extract !== undefined) return isAttachment;
  return () => false;
}

/** Prints one message the way the options say; returns its exit code. */
async function show(message: ParsedMessage, options: ParseOptions, count: number) {
  const root = message.root;
  const colors = palette();
  if (options.part !== undefined) return showPart(root, options.part);
  if (options.text) return showText(root);
  if (options.extract !== undefined) return await extract(root, options.extract);
  if (options.raw) {
    for (const field of root.headers) writeBytes(field.raw);
    return ExitCode.Ok;
  }
  if (count > 1 || message.index > 1) write("\n");
  if (message.source !== "-" || message.index > 1) {
    write(colors.dim(`== ${message.source}${message.index > 1 ? ` #${message.index}` : ""}\n`));
  }
  if (options.headers) write(`${renderHeaders(root, colors)}\n`);
  else write(`${renderSummary(root, colors)}\n\n${renderTree(root, colors)}\n`);
  return ExitCode.Ok;
}

function showPart(root: MessagePart, path: string): number {
  const part = findPart(root, path);
  if (!part || part.body === undefined) {
    const paths = [...walkParts(root)].map((p) => p.path).join(", ");
    console.error(`postie parse: no leaf part ${path} (parts: ${paths})`);
    return ExitCode.DataErr;
  }
  writeBytes(part.body);
  return ExitCode.Ok;
}

function showText(root: MessagePart): number {
  const leaves = [...walkParts(root)].filter((part) =>
    part.body !== undefined && part.disposition?.type !== "attachment"
  );
  const plain = leaves.find((part) => part.contentType.subtype === "plain");
  const html = leaves.find((part) => part.contentType.subtype === "html");
  const chosen = plain ?? html;
  if (!chosen) {
    console.error("postie parse: no text/plain or text/html body");
    return ExitCode.DataErr;
  }
  const text = decodeCharset(chosen.body!, chosen.charset ?? "us-ascii").text;
  const shown = chosen === plain ? text : htmlToText(text);
  write(shown.endsWith("\n") ? shown : `${shown}\n`);
  return ExitCode.Ok;
}

async function extract(root: MessagePart, dir: string): Promise<number> {
  try {
    await Deno.mkdir(dir, { recursive: true });
    for (const part of walkParts(root)) {
      if (!part.body || !isAttachment(part)) continue;
      const path = await writeUnique(dir, safeFileName(part.filename, part.path), part.body);
      write(`${part.path}\t${path}\n`);
    }
  } catch (error) {
    console.error(`postie parse: cannot write into ${dir}: ${(error as Error).message}`);
    return ExitCode.CantCreat;
  }
  return ExitCode.Ok;
}

function messageJson(message: ParsedMessage) {
  const { source, index, root } = message;
  return { source, index, headers: summaryJson(root), tree: partJson(root) };
}

/** The exit code to keep: the first failure wins over success. */
function worst(current: number, next: number): number {
  return current === ExitCode.Ok ? next : current;
}

const encoder = new TextEncoder();

function write(text: string): void {
  writeBytes(encoder.encode(text));
}

function writeBytes(bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) at += Deno.stdout.writeSync(bytes.subarray(at));
}
