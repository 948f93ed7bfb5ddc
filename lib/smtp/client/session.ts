/**
 * The sans-IO SMTP client: replies in, commands and actions out (RFC 5321 §3, §4.1).
 *
 * @module
 */

import { type EsmtpParameters, formatEsmtpParameters } from "../../wire/esmtp_parameters.ts";
import type { Reply } from "../../wire/reply.ts";
import { type Capabilities, noCapabilities, parseCapabilities } from "./capabilities.ts";
import { ClientSessionError } from "./errors.ts";
import type {
  ClientFailure,
  ClientStage,
  MailTransaction,
  QuitAfter,
  RecipientOutcome,
  RecipientRequest,
} from "./transaction.ts";

/** A command for the connection to send: `VERB argument`. */
export interface ClientCommand {
  /** The command verb, e.g. `MAIL` (RFC 5321 §4.1.1). */
  verb: string;
  /** Everything after the verb and its space, e.g. `FROM:<a@example.com>`. */
  argument?: string;
}

/** What to do after a reply. */
export interface ClientStep {
  /** Commands to send now, in one write when there are several (a pipelined group). */
  commands: ClientCommand[];
  /** Send the message content now, dot-stuffed, then the end-of-data line. */
  content: boolean;
  /** Close the connection: the session is over. */
  close: boolean;
}

/** Options of {@linkcode ClientSession}. */
export interface ClientSessionOptions {
  /** The name given in EHLO/HELO (RFC 5321 §4.1.1.1: the client's FQDN or address literal). */
  clientName: string;
  /** The message's envelope. */
  transaction: MailTransaction;
  /** Stop after this step, sending QUIT (after `data`: closing without the content). */
  quitAfter?: QuitAfter;
}

const WAIT: ClientStep = { commands: [], content: false, close: false };

/**
 * One SMTP client session as a pure machine: it never touches a socket. Feed it each whole
 * reply (starting with the greeting); it answers with the commands to send, when to send the
 * content and when to close. It uses EHLO, falling back to HELO on a 5xx; pipelines MAIL, RCPT
 * and DATA when the server offers PIPELINING; keeps each recipient's reply; and always ends
 * with QUIT unless the server closed (421) or the content was withheld.
 *
 * @example
 * ```ts
 * import { ClientSession } from "./session.ts";
 * const session = new ClientSession({
 *   clientName: "client.test",
 *   transaction: { reversePath: "a@x.test", recipients: [{ forwardPath: "b@y.test" }] },
 * });
 * session.feed({ code: 220, lines: ["mx.test ESMTP"] }).commands; // [{ verb: "EHLO", argument: "client.test" }]
 * ```
 */
export class ClientSession {
  /** What the server offered (none until EHLO succeeds). */
  capabilities: Capabilities = noCapabilities();
  /** The server's greeting. */
  greeting?: Reply;
  /** The reply to EHLO, or to HELO after the fallback. */
  helloReply?: Reply;
  /** The reply to MAIL FROM. */
  mailReply?: Reply;
  /** Each recipient with the reply to its RCPT TO. */
  readonly recipients: RecipientOutcome[];
  /** The reply to DATA (354 on success). */
  dataReply?: Reply;
  /** The reply after the content: the server took (2xx) or refused the message. */
  finalReply?: Reply;
  /** The first thing that went wrong, if anything did. */
  failure?: ClientFailure;

  readonly #options: ClientSessionOptions;
  #expected: ClientStage[] = ["banner"];
  #pipelined = false;
  #nextRecipient = 0;
  #done = false;

  /** Creates a session waiting for the server's greeting. */
  constructor(options: ClientSessionOptions) {
    this.#options = options;
    this.recipients = options.transaction.recipients.map((r) => ({ forwardPath: r.forwardPath }));
  }

  /** The reply the session waits for next; undefined once it is done. */
  get expecting(): ClientStage | undefined {
    return this.#expected[0];
  }

  /** True once the session said to close. */
  get done(): boolean {
    return this.#done;
  }

  /** True when the message was accepted for every recipient. */
  get delivered(): boolean {
    return this.failure === undefined && this.finalReply !== undefined &&
      this.recipients.every((r) => isPositive(r.reply));
  }

  /** Takes the next whole reply and says what to do. */
  feed(reply: Reply): ClientStep {
    const stage = this.#expected.shift();
    if (stage === undefined || this.#done) {
      throw new ClientSessionError("A reply arrived after the session ended");
    }
    if (stage === "banner") this.greeting = reply;
    // RFC 5321 §3.8: 421 means the server is closing the channel; no QUIT follows.
    if (reply.code === 421 && stage !== "quit") {
      this.#fail(stage, reply, "the server is shutting the connection (421)");
      return this.#close();
    }
    switch (stage) {
      case "banner":
        return this.#onBanner(reply);
      case "ehlo":
        return this.#onEhlo(reply);
      case "helo":
        return this.#onHelo(reply);
      case "mail":
        return this.#onMail(reply);
      case "rcpt":
        return this.#onRcpt(reply);
      case "data":
        return this.#onData(reply);
      case "content":
        return this.#onContent(reply);
      case "quit":
        return this.#close();
    }
  }

  #onBanner(reply: Reply): ClientStep {
    // RFC 5321 §3.1: 220 greets; 554 refuses, and the client should send QUIT.
    if (reply.code !== 220) return this.#failAndQuit("banner", reply, "the server refused");
    if (this.#stopsAt("connect") || this.#stopsAt("banner")) return this.#quit();
    return this.#send(["ehlo"], { verb: "EHLO", argument: this.#options.clientName });
  }

  #onEhlo(reply: Reply): ClientStep {
    // RFC 5321 §4.1.4, §3.2: a server that rejects EHLO (5xx) may still speak HELO.
    if (isPermanent(reply)) {
      return this.#send(["helo"], { verb: "HELO", argument: this.#options.clientName });
    }
    if (reply.code !== 250) return this.#failAndQuit("ehlo", reply, "EHLO was refused");
    this.helloReply = reply;
    this.capabilities = parseCapabilities(reply);
    return this.#afterHello();
  }

  #onHelo(reply: Reply): ClientStep {
    if (reply.code !== 250) return this.#failAndQuit("helo", reply, "HELO was refused");
    this.helloReply = reply;
    this.capabilities = noCapabilities(reply.lines[0] ?? "");
    return this.#afterHello();
  }

  #afterHello(): ClientStep {
    if (this.#stopsAt("ehlo")) return this.#quit();
    const refusal = this.#localRefusal();
    if (refusal !== undefined) return this.#failAndQuit("mail", undefined, refusal);
    const mail = this.#mailCommand();
    if (!this.capabilities.pipelining) return this.#send(["mail"], mail);
    // RFC 2920 §3.1: MAIL, RCPT and DATA may go in one group, DATA last.
    this.#pipelined = true;
    const group: ClientCommand[] = [mail];
    const stages: ClientStage[] = ["mail"];
    if (!this.#stopsAt("mail")) {
      for (const recipient of this.#options.transaction.recipients) {
        group.push(this.#rcptCommand(recipient));
        stages.push("rcpt");
      }
      if (!this.#stopsAt("rcpt")) {
        group.push({ verb: "DATA" });
        stages.push("data");
      }
    }
    return this.#send(stages, ...group);
  }

  /** Reasons not to send MAIL at all, known from the capabilities. */
  #localRefusal(): string | undefined {
    const { transaction } = this.#options;
    // RFC 6531 §3.4: SMTPUTF8 only to a server that offers it.
    if (transaction.smtputf8 && !this.capabilities.smtputf8) {
      return "the message needs SMTPUTF8, which the server does not offer";
    }
    const limit = this.capabilities.size;
    // RFC 1870 §6: a client should not send a message larger than the server's SIZE.
    if (limit !== undefined && transaction.size !== undefined && transaction.size > limit) {
      return `the message (${transaction.size} octets) exceeds the server's SIZE ${limit}`;
    }
    return undefined;
  }

  #onMail(reply: Reply): ClientStep {
    this.mailReply = reply;
    if (!isPositive(reply)) this.#fail("mail", reply, "MAIL FROM was refused");
    // RFC 2920 §3.1: every reply of a pipelined group is read before going on.
    if (this.#pipelined) return this.#expected.length > 0 ? WAIT : this.#quit();
    if (this.failure !== undefined || this.#stopsAt("mail")) return this.#quit();
    return this.#send(["rcpt"], this.#rcptCommand(this.#options.transaction.recipients[0]));
  }

  #onRcpt(reply: Reply): ClientStep {
    this.recipients[this.#nextRecipient++].reply = reply;
    if (this.#pipelined && this.#expected.length > 0) return WAIT;
    if (this.#pipelined) {
      if (this.failure === undefined) this.#checkRecipients();
      return this.#quit();
    }
    const next = this.#options.transaction.recipients[this.#nextRecipient];
    if (next !== undefined) return this.#send(["rcpt"], this.#rcptCommand(next));
    if (!this.#checkRecipients() || this.#stopsAt("rcpt")) return this.#quit();
    return this.#send(["data"], { verb: "DATA" });
  }

  /** False (with the failure set) when no recipient was accepted. */
  #checkRecipients(): boolean {
    if (this.recipients.some((r) => isPositive(r.reply))) return true;
    const refused = this.recipients.find((r) => r.reply !== undefined)?.reply;
    this.#fail("rcpt", refused, "every recipient was refused");
    return false;
  }

  #onData(reply: Reply): ClientStep {
    this.dataReply = reply;
    const usable = this.failure === undefined && this.#checkRecipients();
    if (reply.code !== 354) {
      if (usable) this.#fail("data", reply, "DATA was refused");
      return this.#quit();
    }
    if (!usable) {
      // RFC 2920 §3.1: DATA accepted after the transaction failed: end it with no content.
      return this.#send(["content"], { verb: "." });
    }
    if (this.#stopsAt("data")) return this.#close(); // no QUIT is possible inside DATA
    this.#expected = ["content"];
    return { commands: [], content: true, close: false };
  }

  #onContent(reply: Reply): ClientStep {
    if (this.failure !== undefined) return this.#quit();
    this.finalReply = reply;
    if (!isPositive(reply)) this.#fail("content", reply, "the message was refused");
    return this.#quit();
  }

  #mailCommand(): ClientCommand {
    const { transaction } = this.#options;
    const caps = this.capabilities;
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
    if (this.capabilities.dsn) {
      params.notify = recipient.notify;
      params.orcpt = recipient.orcpt;
    }
    return withParameters("RCPT", `TO:<${recipient.forwardPath}>`, params);
  }

  #stopsAt(stage: QuitAfter): boolean {
    return this.#options.quitAfter === stage;
  }

  #send(stages: ClientStage[], ...commands: ClientCommand[]): ClientStep {
    this.#expected = stages;
    return { commands, content: false, close: false };
  }

  #quit(): ClientStep {
    return this.#send(["quit"], { verb: "QUIT" });
  }

  #close(): ClientStep {
    this.#expected = [];
    this.#done = true;
    return { commands: [], content: false, close: true };
  }

  #fail(stage: ClientStage, reply: Reply | undefined, reason: string): void {
    this.failure ??= reply === undefined ? { stage, reason } : { stage, reply, reason };
  }

  #failAndQuit(stage: ClientStage, reply: Reply | undefined, reason: string): ClientStep {
    this.#fail(stage, reply, reason);
    return this.#quit();
  }
}

function withParameters(verb: string, path: string, params: EsmtpParameters): ClientCommand {
  const text = formatEsmtpParameters(params);
  return { verb, argument: text === "" ? path : `${path} ${text}` };
}

/** RFC 5321 §4.2.1: 2yz is a positive completion. */
function isPositive(reply: Reply | undefined): boolean {
  return reply !== undefined && reply.code >= 200 && reply.code < 300;
}

/** RFC 5321 §4.2.1: 5yz is a permanent negative completion. */
function isPermanent(reply: Reply): boolean {
  return reply.code >= 500;
}
