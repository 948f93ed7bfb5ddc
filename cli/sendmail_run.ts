/**
 * `postie sendmail`'s run: read the message, settle the envelope, hand it to the server in one
 * SMTP session, and say nothing unless something went wrong (as sendmail does).
 *
 * @module
 */

import { AddressSyntaxError, type Mailbox, parseAddressList } from "../lib/address/mod.ts";
import { type ClientRun, ClientSession, runClientSession } from "../lib/smtp/client/mod.ts";
import { ExitCode } from "../lib/sysexits.ts";
import { formatReply, type Reply } from "../lib/wire/mod.ts";
import { runOutcome, sendExitCode, transcriptPrinter } from "./send_report.ts";
import { clientName, envelope, SendInputError } from "./send_run.ts";
import { readSendmailInput } from "./sendmail_input.ts";
import { prepareSendmailMessage } from "./sendmail_message.ts";
import type { HostPort } from "./values.ts";

/** `postie sendmail`'s options, as parsed (`-oi` and `-r` already folded in). */
export interface SendmailOptions {
  extractRecipients?: true;
  ignoreDots: boolean;
  envelopeFrom?: string;
  fullName?: string;
  bodyType?: "7BIT" | "8BITMIME";
  server: HostPort;
  helo?: string;
  verbose?: true;
  timeout: number;
}

/**
 * Reads the message from standard input and hands it to `options.server`; returns the exit
 * code (sysexits).
 *
 * @example
 * ```ts ignore
 * Deno.exitCode = await runSendmail(["b@y.test"], { ignoreDots: true, server, timeout: 60_000 });
 * ```
 */
export async function runSendmail(recipients: string[], options: SendmailOptions): Promise<number> {
  try {
    const run = await handOn(recipients, options, Deno.stdin.readable);
    const exitCode = sendExitCode(run);
    if (exitCode !== ExitCode.Ok) console.error(`postie sendmail: ${failureText(run, options)}`);
    return exitCode;
  } catch (error) {
    if (!(error instanceof SendInputError)) throw error;
    console.error(`postie sendmail: ${error.message}`);
    return error.exitCode;
  }
}

async function handOn(
  recipientArgs: string[],
  options: SendmailOptions,
  input: ReadableStream<Uint8Array>,
): Promise<ClientRun> {
  const domain = hostName();
  const sender = options.envelopeFrom?.replace(/^<>$/, "") ?? `${userName()}@${domain}`;
  const given = addresses(recipientArgs);
  const bytes = await readSendmailInput(input, !options.ignoreDots);
  const message = prepareSendmailMessage(bytes, {
    sender,
    fullName: options.fullName,
    extractRecipients: options.extractRecipients === true,
    domain,
  });
  const recipients = [...given, ...message.headerRecipients];
  if (recipients.length === 0) {
    throw new SendInputError(ExitCode.Usage, "no recipients: give addresses or -t");
  }
  const { transaction } = envelope(sender, recipients);
  transaction.body = options.bodyType;
  transaction.size = message.size;
  const session = new ClientSession({
    clientName: options.helo ?? clientName(),
    transactions: [transaction],
  });
  return await runClientSession(session, {
    ...options.server,
    content: () => ReadableStream.from(message.content),
    timeoutMs: options.timeout,
    onTranscript: options.verbose
      ? transcriptPrinter({ port: options.server.port, timeout: options.timeout })
      : undefined,
  });
}

/** The command-line recipients, each an address list (`a@x, b@y`); groups give members. */
function addresses(values: string[]): Mailbox[] {
  try {
    return values.flatMap((value) =>
      parseAddressList(value).flatMap((entry) => "group" in entry ? entry.members : [entry])
    );
  } catch (error) {
    if (!(error instanceof AddressSyntaxError)) throw error;
    throw new SendInputError(ExitCode.Usage, `recipient: ${error.message}`);
  }
}

/** What went wrong, in one line: the connection, the failed stage, or refused recipients. */
function failureText(run: ClientRun, options: SendmailOptions): string {
  if (run.error !== undefined) return run.error.message;
  const server = `${options.server.hostname}:${options.server.port}`;
  const { failure, recipients } = runOutcome(run);
  const refused = recipients.filter((r) => r.reply !== undefined && r.reply.code >= 400)
    .map((r) => `${r.forwardPath} refused: ${replyLine(r.reply!)}`);
  const stage = failure === undefined ? [] : [
    `${server} at ${failure.stage}: ${failure.reason}` +
    (failure.reply ? `: ${replyLine(failure.reply)}` : ""),
  ];
  return [...refused, ...stage].join("; ");
}

/** A reply on one line, as it came (a multi-line reply's lines joined by spaces). */
function replyLine(reply: Reply): string {
  return formatReply(reply).trimEnd().replaceAll("\r\n", " ");
}

/** The login name, as sendmail uses it for the default sender. */
function userName(): string {
  return Deno.env.get("USER") ?? Deno.env.get("LOGNAME") ?? "postie";
}

/** This host's name for the default sender and Message-ID; "localhost" if it has none. */
function hostName(): string {
  const name = clientName();
  return /^[A-Za-z0-9.-]+$/.test(name) ? name : "localhost";
}
