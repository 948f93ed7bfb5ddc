/**
 * One mail transaction as a client session runs it (RFC 5321 §3.3): MAIL, RCPT, DATA and
 * the content, with the replies each got and how it ended.
 *
 * @module
 */

import { type EsmtpParameters, formatEsmtpParameters } from "../../wire/esmtp_parameters.ts";
import type { Reply } from "../../wire/reply.ts";
import { type Capabilities, noCapabilities } from "./capabilities.ts";
import type { ClientCommand } from "./step.ts";
import type {
  ClientFailure,
  ClientStage,
  MailTransaction,
  QuitAfter,
  RecipientOutcome,
  RecipientRequest,
} from "./transaction.ts";

/** What the session tells a transaction when it starts. */
export interface TransactionContext {
  /** What the server offered in its latest EHLO reply. */
  capabilities: Capabilities;
  /** Where `--quit-after` stops the session, if anywhere. */
  quitAfter?: QuitAfter;
  /** Send the content in BDAT chunks (the server offers CHUNKING, RFC 3030). */
  chunking?: boolean;
  /** LMTP (RFC 2033): one reply per accepted recipient after the content. */
  lmtp?: boolean;
}

/**
 * What a transaction asks of the session after a reply: commands and the replies they get,
 * content to send, and whether it is over (`end`), or the session should stop as
 * `--quit-after` says (`quit`: QUIT; `close`: close inside DATA, where no QUIT is possible).
 */
export interface TransactionStep {
  /** Commands to send now, in one write. */
  commands: ClientCommand[];
  /** The stages of the replies those commands get, in order. */
  stages: ClientStage[];
  /** Send the content now: dot-stuffed after DATA, or in BDAT chunks. */
  content?: "data" | "bdat";
  /** What the session does next, when the transaction has no more to send. */
  then?: "end" | "quit" | "close";
}

const WAIT: TransactionStep = { commands: [], stages: [] };

/**
 * The replies of one mail transaction and its outcome. The session creates one per
 * {@linkcode MailTransaction} it starts and feeds it the replies of its stages.
 *
 * @example
 * ```ts
 * import { ClientTransaction } from "./client_transaction.ts";
 * import { noCapabilities } from "./capabilities.ts";
 * const t = new ClientTransaction({ reversePath: "a@x.test", recipients: [{ forwardPath: "b@y.test" }] });
 * t.start({ capabilities: noCapabilities() }).commands; // [{ verb: "MAIL", argument: "FROM:<a@x.test>" }]
 * ```
 */
export class ClientTransaction {
  /** The reply to MAIL FROM. */
  mailReply?: Reply;
  /** Each recipient with the reply to its RCPT TO. */
  readonly recipients: RecipientOutcome[];
  /** The reply to DATA (354 on success). */
  dataReply?: Reply;
  /** The reply after the content: the server took (2xx) or refused the message (LMTP: the last). */
  finalReply?: Reply;
  /** The first thing that went wrong in this transaction, if anything did. */
  failure?: ClientFailure;

  #context: TransactionContext = { capabilities: noCapabilities() };
  #pipelined = false;
  /** Replies of the current pipelined group still to come. */
  #pending = 0;
  #nextRecipient = 0;
  /** LMTP: the accepted recipients whose reply after the content is still to come. */
  #awaitingDelivery: RecipientOutcome[] = [];

  /** Creates the transaction's record; nothing is sent until {@linkcode start}. */
  constructor(readonly transaction: MailTransaction) {
    this.recipients = transaction.recipients.map((r) => ({ forwardPath: r.forwardPath }));
  }

  /** True when the message was accepted for every recipient. */
  get delivered(): boolean {
    return this.failure === undefined && this.finalReply !== undefined &&
      this.recipients.every((r) =>
        isPositive(r.reply) && (!this.#context.lmtp || isPositive(r.deliveryReply))
      );
  }

  /**
   * True when the server holds transaction state that a new MAIL must not meet: MAIL was
   * accepted and the content's final reply did not come (RFC 5321 §4.1.1.5: RSET clears it).
   */
  get needsReset(): boolean {
    return isPositive(this.mailReply) && this.finalReply === undefined;
  }

  /**
   * The first commands: MAIL, or (RFC 2920 §3.1, when the server offers PIPELINING) MAIL,
   * every RCPT and DATA in one group, or nothing with `then: "end"` when the message cannot
   * go to this server (SIZE, SMTPUTF8).
   */
  start(context: TransactionContext): TransactionStep {
    this.#context = context;
    const refusal = this.#localRefusal();
    if (refusal !== undefined) {
      this.failure = { stage: "mail", reason: refusal };
      return { ...WAIT, then: "end" };
    }
    const mail = this.#mailCommand();
    if (!context.capabilities.pipelining) return this.#send(["mail"], mail);
    this.#pipelined = true;
    const group: ClientCommand[] = [mail];
    const stages: ClientStage[] = ["mail"];
    if (!this.#stopsAt("mail")) {
      for (const recipient of this.transaction.recipients) {
        group.push(this.#rcptCommand(recipient));
        stages.push("rcpt");
      }
      // BDAT goes once the envelope's replies are in (each chunk is answered before the next).
      if (!this.#stopsAt("rcpt") && !context.chunking) {
        group.push({ verb: "DATA" });
        stages.push("data");
      }
    }
    return this.#send(stages, ...group);
  }

  /** Takes the reply of one of this transaction's stages. */
  feed(stage: ClientStage, reply: Reply): TransactionStep {
    this.#pending--;
    switch (stage) {
      case "mail":
        return this.#onMail(reply);
      case "rcpt":
        return this.#onRcpt(reply);
      case "data":
        return this.#onData(reply);
      case "bdat":
        return this.#onChunk(reply);
      default:
        return this.#onContent(reply);
    }
  }

  /**
   * The BDAT command of the next chunk of `size` octets (RFC 3030 §2), `last` for the final
   * one, and the stages of the replies it gets.
   */
  chunk(size: number, last: boolean): { command: ClientCommand; stages: ClientStage[] } {
    const stages: ClientStage[] = last ? this.#contentStages() : ["bdat"];
    this.#pending = stages.length;
    return { command: { verb: "BDAT", argument: last ? `${size} LAST` : `${size}` }, stages };
  }

  /** Records a failure that ended the session during this transaction (421, a lost link). */
  abort(stage: ClientStage, reply: Reply | undefined, reason: string): void {
    this.#fail(stage, reply, reason);
  }

  /** Reasons not to send MAIL at all, known from the capabilities. */
  #localRefusal(): string | undefined {
    const { transaction } = this;
    const { capabilities } = this.#context;
    // RFC 6531 §3.4: SMTPUTF8 only to a server that offers it.
    if (transaction.smtputf8 && !capabilities.smtputf8) {
      return "the message needs SMTPUTF8, which the server does not offer";
    }
    const limit = capabilities.size;
    // RFC 1870 §6: a client should not send a message larger than the server's SIZE.
    if (limit !== undefined && transaction.size !== undefined && transaction.size > limit) {
      return `the message (${transaction.size} octets) exceeds the server's SIZE ${limit}`;
    }
    return undefined;
  }

  #onMail(reply: Reply): TransactionStep {
    this.mailReply = reply;
    if (!isPositive(reply)) this.#fail("mail", reply, "MAIL FROM was refused");
    // RFC 2920 §3.1: every reply of a pipelined group is read before going on.
    if (this.#pending > 0) return WAIT;
    if (this.failure !== undefined) return { ...WAIT, then: "end" };
    if (this.#stopsAt("mail")) return { ...WAIT, then: "quit" };
    return this.#send(["rcpt"], this.#rcptCommand(this.transaction.recipients[0]));
  }

  #onRcpt(reply: Reply): TransactionStep {
    this.recipients[this.#nextRecipient++].reply = reply;
    if (this.#pending > 0) return WAIT;
    const next = this.transaction.recipients[this.#nextRecipient];
    if (!this.#pipelined && next !== undefined) {
      return this.#send(["rcpt"], this.#rcptCommand(next));
    }
    if (this.failure !== undefined || !this.#checkRecipients()) return { ...WAIT, then: "end" };
    if (this.#stopsAt("rcpt")) return { ...WAIT, then: "quit" };
    if (this.#context.chunking) {
      return this.#stopsAt("data") ? { ...WAIT, then: "quit" } : { ...WAIT, content: "bdat" };
    }
    if (this.#pipelined) return { ...WAIT, then: "end" }; // DATA's reply came already
    return this.#send(["data"], { verb: "DATA" });
  }

  /** False (with the failure set) when no recipient was accepted. */
  #checkRecipients(): boolean {
    if (this.recipients.some((r) => isPositive(r.reply))) return true;
    const refused = this.recipients.find((r) => r.reply !== undefined)?.reply;
    this.#fail("rcpt", refused, "every recipient was refused");
    return false;
  }

  #onData(reply: Reply): TransactionStep {
    this.dataReply = reply;
    const usable = this.failure === undefined && this.#checkRecipients();
    if (reply.code !== 354) {
      if (usable) this.#fail("data", reply, "DATA was refused");
      return { ...WAIT, then: "end" };
    }
    // RFC 2920 §3.1: DATA accepted after the transaction failed: end it with no content.
    if (!usable) return this.#send(["content"], { verb: "." });
    if (this.#stopsAt("data")) return { ...WAIT, then: "close" };
    return { ...this.#send(this.#contentStages()), content: "data" };
  }

  /** A BDAT chunk before the last: go on with the next, or stop at a refusal. */
  #onChunk(reply: Reply): TransactionStep {
    if (isPositive(reply)) return { ...WAIT, content: "bdat" };
    // RFC 3030 §2: after a 4xx or 5xx to a chunk the transaction failed; no more chunks go.
    this.#fail("content", reply, "a BDAT chunk was refused");
    return { ...WAIT, then: "end" };
  }

  #onContent(reply: Reply): TransactionStep {
    if (this.failure !== undefined && this.#awaitingDelivery.length === 0) {
      return { ...WAIT, then: "end" };
    }
    this.finalReply = reply;
    const recipient = this.#awaitingDelivery.shift();
    if (recipient !== undefined) recipient.deliveryReply = reply;
    if (!isPositive(reply)) {
      const whom = recipient === undefined ? "" : ` for ${recipient.forwardPath}`;
      this.#fail("content", reply, `the message was refused${whom}`);
    }
    return this.#pending > 0 ? WAIT : { ...WAIT, then: "end" };
  }

  /** RFC 2033 §4.2: LMTP answers the content once per accepted recipient, SMTP once. */
  #contentStages(): ClientStage[] {
    if (!this.#context.lmtp) return ["content"];
    this.#awaitingDelivery = this.recipients.filter((r) => isPositive(r.reply));
    return this.#awaitingDelivery.map(() => "content");
  }

  #mailCommand(): ClientCommand {
    const { transaction } = this;
    const caps = this.#context.capabilities;
    const params: EsmtpParameters = { other: new Map() };
    if (caps.extensions.has("SIZE")) params.size = transaction.size; // RFC 1870 §6
    if (caps.eightBitMime) params.body = transaction.body; // RFC 6152 §3
    if (transaction.smtputf8) params.smtputf8 = true; // RFC 6531 §3.4
    if (caps.dsn) { // RFC 3461 §4: DSN parameters only to a server that offers DSN
      params.ret = transaction.ret;
      params.envid = transaction.envid;
    }
    return withParameters("MAIL", `FROM:<${transaction.reversePath}>`, params);
  }

  #rcptCommand(recipient: RecipientRequest): ClientCommand {
    const params: EsmtpParameters = { other: new Map() };
    if (this.#context.capabilities.dsn) {
      params.notify = recipient.notify;
      params.orcpt = recipient.orcpt;
    }
    return withParameters("RCPT", `TO:<${recipient.forwardPath}>`, params);
  }

  #stopsAt(stage: QuitAfter): boolean {
    return this.#context.quitAfter === stage;
  }

  #send(stages: ClientStage[], ...commands: ClientCommand[]): TransactionStep {
    this.#pending = stages.length;
    return { commands, stages };
  }

  #fail(stage: ClientStage, reply: Reply | undefined, reason: string): void {
    this.failure ??= reply === undefined ? { stage, reason } : { stage, reply, reason };
  }
}

function withParameters(verb: string, path: string, params: EsmtpParameters): ClientCommand {
  const text = formatEsmtpParameters(params);
  return { verb, argument: text === "" ? path : `${path} ${text}` };
}

/** RFC 5321 §4.2.1: 2yz is a positive completion. */
export function isPositive(reply: Reply | undefined): boolean {
  return reply !== undefined && reply.code >= 200 && reply.code < 300;
}
