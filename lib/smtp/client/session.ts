/**
 * The sans-IO SMTP client: replies in, commands and actions out (RFC 5321 §3, §4.1).
 *
 * @module
 */

import type { Reply } from "../../wire/reply.ts";
import { type Capabilities, noCapabilities, parseCapabilities } from "./capabilities.ts";
import { ClientTransaction, type TransactionStep } from "./client_transaction.ts";
import { ClientSessionError } from "./errors.ts";
import type { ClientStep } from "./step.ts";
import type { ClientFailure, ClientStage, MailTransaction, QuitAfter } from "./transaction.ts";

/** Options of {@linkcode ClientSession}. */
export interface ClientSessionOptions {
  /** The name given in EHLO/HELO (RFC 5321 §4.1.1.1: the client's FQDN or address literal). */
  clientName: string;
  /** The mail transactions to run, in order, over this one session. */
  transactions: MailTransaction[];
  /**
   * When the transactions run out, wait ({@linkcode ClientSession.idle}) for
   * {@linkcode ClientSession.next} or {@linkcode ClientSession.quit} instead of sending QUIT.
   */
  keepOpen?: boolean;
  /** Stop after this step, sending QUIT (after `data`: closing without the content). */
  quitAfter?: QuitAfter;
}

const WAIT: ClientStep = { commands: [], content: false, close: false };

/**
 * One SMTP client session as a pure machine: it never touches a socket. Feed it each whole
 * reply (starting with the greeting); it answers with the commands to send, when to send the
 * content and when to close. It uses EHLO, falling back to HELO on a 5xx; runs its mail
 * transactions one after another (RSET between them when one was left open), pipelining MAIL,
 * RCPT and DATA when the server offers PIPELINING; keeps each transaction's replies; and
 * always ends with QUIT unless the server closed (421) or the content was withheld.
 *
 * @example
 * ```ts
 * import { ClientSession } from "./session.ts";
 * const session = new ClientSession({
 *   clientName: "client.test",
 *   transactions: [{ reversePath: "a@x.test", recipients: [{ forwardPath: "b@y.test" }] }],
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
  /** Every transaction started so far, in order, with its replies and outcome. */
  readonly transactions: ClientTransaction[] = [];
  /** What ended the session outside a transaction (greeting, EHLO/HELO, 421), if anything. */
  failure?: ClientFailure;

  readonly #options: ClientSessionOptions;
  readonly #queue: MailTransaction[];
  #expected: ClientStage[] = ["banner"];
  #current?: ClientTransaction;
  #done = false;

  /** Creates a session waiting for the server's greeting. */
  constructor(options: ClientSessionOptions) {
    this.#options = options;
    this.#queue = [...options.transactions];
  }

  /** The reply the session waits for next; undefined when idle or done. */
  get expecting(): ClientStage | undefined {
    return this.#expected[0];
  }

  /** True once the session said to close. */
  get done(): boolean {
    return this.#done;
  }

  /** True between transactions of a `keepOpen` session: call `next` or `quit`. */
  get idle(): boolean {
    return !this.#done && this.#expected.length === 0;
  }

  /** True when no session step failed and every transaction delivered to every recipient. */
  get delivered(): boolean {
    return this.failure === undefined && this.#queue.length === 0 &&
      this.transactions.length > 0 && this.transactions.every((t) => t.delivered);
  }

  /** Takes the next whole reply and says what to do. */
  feed(reply: Reply): ClientStep {
    const stage = this.#expected.shift();
    if (stage === undefined || this.#done) {
      throw new ClientSessionError(
        this.#done ? "A reply arrived after the session ended" : "A reply arrived while idle",
      );
    }
    // RFC 5321 §3.8: 421 means the server is closing the channel; no QUIT follows.
    if (reply.code === 421 && stage !== "quit") {
      if (stage === "banner") this.greeting = reply;
      this.#current?.abort(stage, reply, "the server is shutting the connection (421)");
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
      case "rset":
        return this.#expected.length > 0 ? WAIT : this.#startCurrent();
      case "quit":
        return this.#close();
      default:
        return this.#onTransaction(this.#current!.feed(stage, reply));
    }
  }

  /**
   * Starts `transaction` on an idle session (RSET first if the last one was left open).
   *
   * @example
   * ```ts ignore
   * if (session.idle) await write(session.next(transaction).commands);
   * ```
   */
  next(transaction: MailTransaction): ClientStep {
    this.#requireIdle("next");
    this.#queue.push(transaction);
    return this.#nextTransaction();
  }

  /** Ends an idle session with QUIT. */
  quit(): ClientStep {
    this.#requireIdle("quit");
    return this.#quit();
  }

  #onBanner(reply: Reply): ClientStep {
    this.greeting = reply;
    // RFC 5321 §3.1: 220 greets; 554 refuses, and the client should send QUIT.
    if (reply.code !== 220) return this.#failAndQuit("banner", reply, "the server refused");
    if (this.#stopsAt("connect") || this.#stopsAt("banner")) return this.#quit();
    return this.#send(["ehlo"], { verb: "EHLO", argument: this.#options.clientName });
  }

  #onEhlo(reply: Reply): ClientStep {
    // RFC 5321 §4.1.4, §3.2: a server that rejects EHLO (5xx) may still speak HELO.
    if (reply.code >= 500) {
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
    return this.#nextTransaction();
  }

  /** Starts the next queued transaction: RSET first if the last one was left open. */
  #nextTransaction(): ClientStep {
    const transaction = this.#queue.shift();
    if (transaction === undefined) return this.#options.keepOpen ? this.#idle() : this.#quit();
    const reset = this.#current?.needsReset ?? false;
    this.#current = new ClientTransaction(transaction);
    this.transactions.push(this.#current);
    if (!reset) return this.#startCurrent();
    // RFC 5321 §4.1.1.5: RSET aborts the open transaction; RFC 2920 §3.1: it may lead a group.
    if (!this.capabilities.pipelining) return this.#send(["rset"], { verb: "RSET" });
    const step = this.#startCurrent();
    this.#expected.unshift("rset");
    return { ...step, commands: [{ verb: "RSET" }, ...step.commands] };
  }

  #startCurrent(): ClientStep {
    const { capabilities } = this;
    return this.#onTransaction(
      this.#current!.start({ capabilities, quitAfter: this.#options.quitAfter }),
    );
  }

  /** Carries out what the current transaction asked for. */
  #onTransaction(step: TransactionStep): ClientStep {
    this.#expected.push(...step.stages);
    switch (step.then) {
      case "end":
        return this.#nextTransaction();
      case "quit":
        return this.#quit();
      case "close":
        return this.#close();
    }
    return { commands: step.commands, content: step.content === "data", close: false };
  }

  #stopsAt(stage: QuitAfter): boolean {
    return this.#options.quitAfter === stage;
  }

  #requireIdle(what: string): void {
    if (!this.idle) throw new ClientSessionError(`${what}() is only for an idle session`);
  }

  #send(stages: ClientStage[], ...commands: ClientStep["commands"]): ClientStep {
    this.#expected = stages;
    return { commands, content: false, close: false };
  }

  #idle(): ClientStep {
    this.#expected = [];
    return WAIT;
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

  #failAndQuit(stage: ClientStage, reply: Reply, reason: string): ClientStep {
    this.#fail(stage, reply, reason);
    return this.#quit();
  }
}
