/**
 * The command-line face of load mode: the template from the message `postie send` prepared,
 * the progress bar, and the summary (text, or one JSON object with --json).
 *
 * @module
 */

import type { MailTransaction } from "../lib/smtp/client/mod.ts";
import { latin1 } from "../lib/message/mod.ts";
import { ExitCode } from "../lib/sysexits.ts";
import { concatBytes } from "../lib/wire/bytes.ts";
import { ProgressBar } from "./progress.ts";
import { loadExitCode, sendLoad } from "./send_load.ts";
import type { LoadSummary } from "./send_load_stats.ts";
import { countPlaceholders, MessageTemplate } from "./send_load_template.ts";
import { clientName, SendInputError, type SendOptions } from "./send_run.ts";
import { SEND_DEFAULTS } from "./send.ts";

/** The message `postie send` prepared: opened once here, to become the template. */
export type OpenContent = () => ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>;

/** The Message-ID field up to its id-left (RFC 5322 §3.6.4), and the id-left. */
const MESSAGE_ID_LEFT = /^(Message-ID:[ \t]*<)([^@>\r\n]*)@/im;
const UUID = new TextEncoder().encode("{uuid}");

/**
 * Runs load mode for `postie send --count N`: prints the summary and returns the exit code
 * (0 only when every message was accepted for every recipient).
 *
 * @example
 * ```ts ignore
 * Deno.exitCode = await runLoad({ ...options, count: 1000 }, transaction, content.open);
 * ```
 */
export async function runLoad(
  options: SendOptions & { count: number },
  transaction: MailTransaction,
  open: OpenContent,
): Promise<number> {
  let template: MessageTemplate;
  try {
    if (options.server === undefined) {
      throw new SendInputError(
        ExitCode.Usage,
        "--count needs --server (no MX routing in load mode)",
      );
    }
    template = await loadTemplate(options, open);
  } catch (error) {
    if (!(error instanceof SendInputError)) throw error;
    console.error(`postie send: ${error.message}`);
    return error.exitCode;
  }
  const bar = Deno.stderr.isTerminal() ? new ProgressBar(Deno.stderr) : undefined;
  const total = options.count * template.maxSize;
  const concurrency = Math.min(
    options.concurrency ?? Number(SEND_DEFAULTS.concurrency),
    options.count,
  );
  const summary = await sendLoad(template, transaction, {
    server: options.server,
    count: options.count,
    concurrency,
    clientName: options.helo ?? clientName(),
    timeoutMs: options.timeout,
    onProgress: bar && ((stats) => bar.update(stats.done * template.maxSize, total, stats.done)),
  });
  bar?.clear();
  const exitCode = loadExitCode(summary);
  const server = `${options.server.hostname}:${options.server.port}`;
  if (options.json) {
    console.log(JSON.stringify({ server, concurrency, ...summary, exitCode }));
  } else printLoadSummary(summary, server, concurrency);
  return exitCode;
}

/**
 * The template: the message's bytes, read once. A composed message's Message-ID gets `{uuid}`
 * as its left part, so every message has its own (RFC 5322 §3.6.4: unique per message); a
 * `--data` message is sent as written, placeholders aside.
 */
async function loadTemplate(options: SendOptions, open: OpenContent): Promise<MessageTemplate> {
  const bytes = await new Response(await open()).bytes();
  if (options.data !== undefined) return new MessageTemplate(bytes);
  // latin1: one character per octet, so offsets in the text are offsets in the bytes.
  const id = MESSAGE_ID_LEFT.exec(latin1(bytes.subarray(0, headerLength(bytes))));
  const left = id === null ? 0 : id.index + id[1].length;
  const template = new MessageTemplate(
    id === null
      ? bytes
      : concatBytes([bytes.subarray(0, left), UUID, bytes.subarray(left + id[2].length)]),
  );
  const wanted = countPlaceholders(`${options.subject ?? ""}\n${options.body ?? ""}`);
  if (template.placeholders < wanted + (id === null ? 0 : 1)) {
    throw new SendInputError(
      ExitCode.Usage,
      "{n} or {uuid} in a non-ASCII --subject or an encoded --body cannot be filled in; " +
        "use ASCII text around them, or --data with a message of your own",
    );
  }
  return template;
}

/** Octets up to the blank line that ends the header (all of it if there is none). */
function headerLength(bytes: Uint8Array): number {
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) {
    if (bytes[at + 1] === 10 || (bytes[at + 1] === 13 && bytes[at + 2] === 10)) return at + 1;
  }
  return bytes.length;
}

/** The summary for people: rate, latency percentiles, failures by reply code. */
function printLoadSummary(summary: LoadSummary, server: string, concurrency: number): void {
  const { messages, accepted, failed, seconds, messagesPerSecond, latencyMs } = summary;
  console.log(
    `${server}: ${accepted} of ${messages} messages accepted over ${concurrency} ` +
      `connection${concurrency === 1 ? "" : "s"} in ${seconds.toFixed(2)} s: ` +
      `${messagesPerSecond} messages/s`,
  );
  if (latencyMs !== null) {
    const { p50, p95, p99, max } = latencyMs;
    const ms = (value: number) => value.toFixed(2);
    console.log(`latency ms: p50 ${ms(p50)}  p95 ${ms(p95)}  p99 ${ms(p99)}  max ${ms(max)}`);
  }
  if (failed > 0) {
    const counts = Object.entries(summary.failures).map(([key, n]) => `${key} ×${n}`);
    console.error(`postie send: ${failed} messages failed: ${counts.join(", ")}`);
  }
}
