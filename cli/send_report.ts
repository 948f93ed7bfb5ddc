import type {
  ClientFailure,
  ClientRun,
  RecipientOutcome,
  TranscriptEvent,
} from "../lib/smtp/client/mod.ts";
import { ExitCode } from "../lib/sysexits.ts";
import { formatEnhancedStatus, type Reply } from "../lib/wire/mod.ts";
import { type Palette, palette } from "./color.ts";
import type { SendOptions } from "./send_run.ts";

/** Stages whose failure ends the transaction before any recipient is judged. */
const BEFORE_RECIPIENTS = new Set(["banner", "ehlo", "helo", "starttls", "auth", "mail"]);

/**
 * The mark of a transcript line, as swaks prints them: ` ->` sent and `<- ` received in the
 * clear, ` ~>` and `<~ ` over TLS, `<**` / `<~*` for a 4xx or 5xx reply, `===` for the
 * connection and TLS, `***` for errors.
 */
export function transcriptMark(event: TranscriptEvent): string {
  switch (event.direction) {
    case "send":
    case "content":
      return event.tls ? " ~>" : " ->";
    case "receive":
      if (/^[45]/.test(event.text)) return event.tls ? "<~*" : "<**";
      return event.tls ? "<~ " : "<- ";
    case "error":
      return "***";
    default:
      return "===";
  }
}

/**
 * A transcript printer for -v (marks from {@linkcode transcriptMark}), with `[elapsed ms]`
 * under --timing and AUTH secrets masked unless --show-secrets. It writes to stdout, or to
 * stderr when --json owns stdout.
 */
export function transcriptPrinter(
  options: Partial<SendOptions>,
): (event: TranscriptEvent) => void {
  const stream = options.json ? Deno.stderr : Deno.stdout;
  const colors = palette(stream);
  const write = options.json ? console.error : console.log;
  return (event) => {
    const time = options.timing
      ? colors.dim(`[${event.elapsedMs.toFixed(1).padStart(8)} ms] `)
      : "";
    const text = options.showSecrets ? event.secret ?? event.text : event.text;
    write(`${time}${colorize(colors, event, `${transcriptMark(event)} ${text}`)}`);
  };
}

function colorize(colors: Palette, event: TranscriptEvent, text: string): string {
  switch (event.direction) {
    case "send":
      return colors.cyan(text);
    case "receive":
      return /^[45]/.test(event.text) ? colors.red(text) : colors.green(text);
    case "error":
      return colors.red(text);
    default:
      return colors.dim(text);
  }
}

/** The replies of a one-transaction run; a session failure (greeting, EHLO, 421) comes first. */
export function runOutcome(run: ClientRun): {
  failure?: ClientFailure;
  recipients: RecipientOutcome[];
  mailReply?: Reply;
  dataReply?: Reply;
  finalReply?: Reply;
} {
  const transaction = run.session.transactions[0];
  return {
    failure: run.session.failure ?? transaction?.failure,
    recipients: transaction?.recipients ?? [],
    mailReply: transaction?.mailReply,
    dataReply: transaction?.dataReply,
    finalReply: transaction?.finalReply,
  };
}

/**
 * The exit code of a run: 69 for a 5xx (or a message the client would not send), 75 for a
 * 4xx or a connection failure, 0 when nothing failed. After a failure at MAIL or before, the
 * replies that followed in a pipelined group (503 "need MAIL") do not count.
 */
export function sendExitCode(run: ClientRun): number {
  const { failure, recipients } = runOutcome(run);
  if (failure !== undefined && failure.reply === undefined) {
    // A STARTTLS the server does not offer may come back; a message too big will not.
    return failure.stage === "starttls" ? ExitCode.TempFail : ExitCode.Unavailable;
  }
  const replies = failure !== undefined && BEFORE_RECIPIENTS.has(failure.stage)
    ? [failure.reply]
    : [failure?.reply, ...recipients.flatMap((r) => [r.reply, r.deliveryReply])];
  const codes = replies.flatMap((reply) => reply === undefined ? [] : [reply.code]);
  if (codes.some((code) => code >= 500)) return ExitCode.Unavailable;
  if (codes.some((code) => code >= 400) || run.error !== undefined) return ExitCode.TempFail;
  return ExitCode.Ok;
}

/** The queue id in a final reply's text (`queued as X`, Exim's `id=X`), if there is one. */
export function queueIdOf(reply: Reply | undefined): string | undefined {
  const text = reply?.lines.join(" ") ?? "";
  return (/\bqueued as ([^\s;,]+)/i.exec(text) ?? /\bid=([^\s;,]+)/i.exec(text))?.[1];
}

/** Prints the outcome (the JSON object, or a summary line) and returns the exit code. */
export function printReport(run: ClientRun, server: string, options: SendOptions): number {
  const exitCode = sendExitCode(run);
  if (options.json) {
    console.log(JSON.stringify({ ...sendResult(run, server), exitCode }));
  } else {
    printSummary(run, server, options.quitAfter);
  }
  return exitCode;
}

/** The JSON of one run: the server, its capabilities and every reply, the queue id, timings. */
export function sendResult(run: ClientRun, server: string) {
  const { session } = run;
  const s = runOutcome(run);
  const caps = session.capabilities;
  return {
    server,
    greeting: replyJson(session.greeting),
    capabilities: session.helloReply === undefined ? null : {
      greeting: caps.greeting,
      size: caps.size ?? null,
      pipelining: caps.pipelining,
      eightBitMime: caps.eightBitMime,
      smtputf8: caps.smtputf8,
      chunking: caps.chunking,
      dsn: caps.dsn,
      starttls: caps.starttls,
      auth: caps.auth,
      extensions: Object.fromEntries(caps.extensions),
    },
    tls: run.tls === undefined ? null : {
      version: run.tls.version ?? null,
      cipher: run.tls.cipher ?? null,
      verified: run.tls.verified,
      verifyError: run.tls.verifyError ?? null,
      sni: run.tls.sni ?? null,
    },
    starttlsReply: replyJson(session.starttlsReply),
    auth: session.authMechanism === undefined
      ? null
      : { mechanism: session.authMechanism, reply: replyJson(session.authReply) },
    mailReply: replyJson(s.mailReply),
    recipients: s.recipients.map((r) => ({
      address: r.forwardPath,
      reply: replyJson(r.reply),
      ...(r.deliveryReply && { deliveryReply: replyJson(r.deliveryReply) }),
    })),
    dataReply: replyJson(s.dataReply),
    finalReply: replyJson(s.finalReply),
    queueId: queueIdOf(s.finalReply) ?? null,
    failure: s.failure === undefined
      ? null
      : { stage: s.failure.stage, reason: s.failure.reason, reply: replyJson(s.failure.reply) },
    error: run.error === undefined ? null : { stage: run.error.stage, message: run.error.message },
    timings: { ...run.timings, total: run.totalMs },
  };
}

function replyJson(reply: Reply | undefined) {
  if (reply === undefined) return null;
  const enhanced = reply.enhanced === undefined ? null : formatEnhancedStatus(reply.enhanced);
  return { code: reply.code, enhanced, text: reply.lines.join("\n") };
}

/** One line on how the run went (stdout when accepted, stderr with each refusal otherwise). */
export function printSummary(run: ClientRun, server: string, quitAfter?: string): void {
  const s = runOutcome(run);
  const exitCode = sendExitCode(run);
  for (const r of s.recipients) {
    // LMTP: a recipient accepted at RCPT may still be refused after the data (RFC 2033 §4.2).
    const refusal = [r.reply, r.deliveryReply].find((reply) => reply && reply.code >= 400);
    if (refusal) console.error(`postie send: ${r.forwardPath} refused: ${replyLine(refusal)}`);
  }
  if (run.error !== undefined) {
    console.error(`postie send: ${run.error.message}`);
  } else if (s.failure !== undefined) {
    const reply = s.failure.reply ? `: ${replyLine(s.failure.reply)}` : "";
    console.error(`postie send: ${server} at ${s.failure.stage}: ${s.failure.reason}${reply}`);
  } else if (s.finalReply !== undefined && exitCode === ExitCode.Ok) {
    console.log(`${server}: accepted: ${replyLine(s.finalReply)}`);
  } else if (s.finalReply !== undefined) {
    console.log(`${server}: accepted for some recipients: ${replyLine(s.finalReply)}`);
  } else {
    console.log(`${server}: stopped after ${quitAfter} as asked`);
  }
}

function replyLine(reply: Reply): string {
  const status = reply.enhanced ? `${formatEnhancedStatus(reply.enhanced)} ` : "";
  return `${reply.code} ${status}${reply.lines.join(" ")}`;
}
