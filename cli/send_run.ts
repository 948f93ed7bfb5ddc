import {
  AddressSyntaxError,
  type Mailbox,
  parseAddressList,
  parseMailbox,
  parsePath,
} from "../lib/address/mod.ts";
import {
  ClientSession,
  type MailTransaction,
  type QuitAfter,
  runClientSession,
} from "../lib/smtp/client/mod.ts";
import { ExitCode } from "../lib/sysexits.ts";
import {
  ComposeInputError,
  dumpMessage,
  type MessageContent,
  messageContent,
  withFieldsInFront,
} from "./send_compose.ts";
import { printReport, transcriptPrinter } from "./send_report.ts";
import { sendByMx } from "./send_route.ts";
import { type SendProtocol, sendProtocol, serverPort, withDsn } from "./send_session.ts";
import type { ComposeFlags } from "./send_compose.ts";
import type { HostPort } from "./values.ts";
import { readInput } from "./read_input.ts";
import { runLoad } from "./send_load_run.ts";

/** `postie send`'s options, as parsed. */
export interface SendOptions extends ComposeFlags {
  server?: HostPort;
  port: number;
  resolver?: HostPort;
  from?: string;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  envelopeFrom?: string;
  helo?: string;
  data?: string;
  addHeader?: string[];
  dump?: true;
  quitAfter?: QuitAfter;
  /** `--starttls` (true or "require") or `--starttls=opportunistic`. */
  starttls?: true | "require" | "opportunistic";
  tls?: true;
  ca?: string;
  insecure?: true;
  /** `--auth` (true: the best mechanism offered) or `--auth MECH`. */
  auth?: true | string;
  authUser?: string;
  authPassword?: string;
  showSecrets?: true;
  /** False with `--no-chunking`. */
  chunking?: boolean;
  notify?: string[];
  ret?: "FULL" | "HDRS";
  envid?: string;
  lmtp?: true;
  /** How many -v: 1 the transcript, 2 with the whole message. */
  verbose?: number | true;
  timing?: true;
  timeout: number;
  json?: true;
  /** Load mode: this many messages. */
  count?: number;
  /** Load mode: this many connections at once. */
  concurrency?: number;
  dkimKey?: string;
  dkimSelector?: string;
  dkimDomain?: string;
}

/** Lines of the message -v shows before eliding the rest. */
const CONTENT_LINES_SHOWN = 10;

/** What to send, checked before connecting. */
interface SendInput {
  transaction: MailTransaction;
  /** Each recipient's domain in A-labels, in the order of `transaction.recipients`. */
  domains: string[];
  content: MessageContent;
}

/** A reason to stop before connecting, with its exit code. */
export class SendInputError extends Error {
  /** Creates the error with the sysexits code to exit with and a message for the user. */
  constructor(readonly exitCode: number, message: string) {
    super(message);
    this.name = "SendInputError";
  }
}

/** Sends the message as the options say and prints the outcome; returns the exit code. */
export async function runSend(options: SendOptions): Promise<number> {
  if (options.server?.port === 0) { // --server named no port
    options = { ...options, server: { ...options.server, port: serverPort(options) } };
  }
  let input: SendInput;
  try {
    input = await prepare(options);
  } catch (error) {
    if (!(error instanceof SendInputError || error instanceof ComposeInputError)) throw error;
    console.error(`postie send: ${error.message}`);
    return error.exitCode;
  }
  if (options.dump) return await dumpMessage(input.content);
  const { domains, content } = input;
  const transaction = withDsn(input.transaction, options);
  let protocol: SendProtocol;
  try {
    protocol = await sendProtocol(options);
  } catch (error) {
    if (!(error instanceof SendInputError)) throw error;
    console.error(`postie send: ${error.message}`);
    return error.exitCode;
  }
  if (options.count !== undefined) {
    return await runLoad({ ...options, count: options.count }, transaction, content.open);
  }
  const name = options.helo ?? clientName();
  const connection = {
    content: content.open,
    timeoutMs: options.timeout,
    tls: protocol.tls,
    onTranscript: options.verbose ? transcriptPrinter(options) : undefined,
    // -v shows the first lines of the message, -vv all of it.
    transcriptContentLines: Number(options.verbose ?? 0) >= 2 ? Infinity : CONTENT_LINES_SHOWN,
  };
  const sessionOptions = { clientName: name, ...protocol.session };
  if (options.server === undefined) {
    return await sendByMx(transaction, domains, options, connection, sessionOptions);
  }
  const session = new ClientSession({ ...sessionOptions, transactions: [transaction] });
  const run = await runClientSession(session, { ...options.server, ...connection });
  return printReport(run, `${options.server.hostname}:${options.server.port}`, options);
}

/** The envelope, each recipient's domain and the content, or a {@linkcode SendInputError}. */
async function prepare(options: SendOptions): Promise<SendInput> {
  const from = options.from === undefined ? undefined : mailboxes([options.from], "--from")[0];
  const to = mailboxes(options.to ?? [], "--to");
  const cc = mailboxes(options.cc ?? [], "--cc");
  const bcc = mailboxes(options.bcc ?? [], "--bcc");
  const unsigned = await messageContent(options, { from, to, cc });
  const content = options.dkimKey === undefined ? unsigned : await dkimContent(unsigned, options);
  const { transaction, domains } = envelope(options.envelopeFrom ?? from?.address ?? "", [
    ...to,
    ...cc,
    ...bcc,
  ]);
  transaction.size = content.size;
  if (!options.server && options.data === "-" && new Set(domains).size > 1) {
    throw new SendInputError(
      ExitCode.Usage,
      "--data - (stdin) is read once: recipients in several domains need --server or a file",
    );
  }
  return { transaction, domains, content };
}

/** Parses each flag value as an address list (`a@x, B <b@y>`); groups give their members. */
function mailboxes(values: string[], flag: string): Mailbox[] {
  try {
    return values.flatMap((value) =>
      flag === "--from"
        ? [parseMailbox(value)]
        : parseAddressList(value).flatMap((entry) => "group" in entry ? entry.members : [entry])
    );
  } catch (error) {
    if (!(error instanceof AddressSyntaxError)) throw error;
    throw new SendInputError(ExitCode.Usage, `${flag}: ${error.message}`);
  }
}

/**
 * The envelope: paths checked as RFC 5321 paths; SMTPUTF8 asked for when one needs it. With it,
 * each recipient's domain in A-labels (the literal for an address literal), for MX routing.
 */
export function envelope(
  reversePath: string,
  recipients: Mailbox[],
): { transaction: MailTransaction; domains: string[] } {
  const path = (text: string, flag: string, allowNull: boolean) => {
    try {
      return parsePath(text, { smtputf8: true, allowNull });
    } catch (error) {
      if (!(error instanceof AddressSyntaxError)) throw error;
      throw new SendInputError(ExitCode.Usage, `${flag}: ${error.message}`);
    }
  };
  const reverse = path(reversePath.replace(/^<>$/, ""), "--envelope-from", true);
  const forward = recipients.map((mailbox) => path(mailbox.address, "recipient", false));
  const transaction = {
    reversePath: reverse.text,
    recipients: forward.map((p) => ({ forwardPath: p.text })),
    smtputf8: [reverse, ...forward].some((p) => p.mailbox?.needsSmtputf8) || undefined,
  };
  return { transaction, domains: forward.map((p) => p.mailbox!.asciiDomain) };
}

/**
 * `--dkim-key`: the content with a DKIM-Signature field in front (RFC 6376 §5). Signing reads
 * the message once before it is sent, so `open` must give the same bytes twice; stdin, which
 * can be read only once, is held in memory.
 */
async function dkimContent(
  content: MessageContent,
  options: SendOptions,
): Promise<MessageContent> {
  // Loaded on use: only signing needs lib/auth (and Node's stream layer under mailauth).
  const { DkimSignError, signDkim } = await import("../lib/auth/sign.ts");
  let privateKey: string;
  try {
    privateKey = await Deno.readTextFile(options.dkimKey!);
  } catch (error) {
    const text = `--dkim-key: cannot read ${options.dkimKey}: ${message(error)}`;
    throw new SendInputError(ExitCode.NoInput, text);
  }
  const held = options.data === "-" ? await readInput("-") : undefined;
  const signing = { privateKey, selector: options.dkimSelector!, domain: options.dkimDomain };
  let field: Uint8Array;
  try {
    field = new TextEncoder().encode(await signDkim(held ?? await content.open(), signing));
  } catch (error) {
    if (!(error instanceof DkimSignError)) throw error;
    const code = error.code === "ENOFROM" ? ExitCode.DataErr : ExitCode.Config;
    throw new SendInputError(code, `--dkim-key: ${error.message}`);
  }
  const signed = held === undefined
    ? content
    : { open: () => ReadableStream.from([held]), size: held.length };
  return withFieldsInFront(field, signed);
}

/** The name postie gives in EHLO: this machine's. */
export function clientName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "localhost";
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
