/**
 * The sans-IO SMTP client: replies in, commands and actions out (RFC 5321 §3, §4.1).
 *
 * @module
 */

import type { Reply } from "../../wire/reply.ts";
import { type Capabilities, noCapabilities, parseCapabilities } from "./capabilities.ts";
import { ClientTransaction, type TransactionStep } from "./client_transaction.ts";
import { ClientSessionError } from "./errors.ts";
import {
  chooseSaslMechanism,
  decodeSaslText,
  encodeSaslText,
  type SaslCredentials,
  type SaslMechanism,
  saslMechanism,
  type SaslMechanismName,
} from "./sasl.ts";
import type { ClientCommand, ClientStep } from "./step.ts";
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
  /**
   * STARTTLS (RFC 3207): `require` fails (before MAIL) when the server does not offer it or
   * refuses it; `opportunistic` uses it when offered and goes on in the clear otherwise.
   */
  starttls?: "require" | "opportunistic";
  /** The connection is TLS from the start (implicit TLS, RFC 8314 §3.3): no STARTTLS. */
  secure?: boolean;
  /** Log in with AUTH (RFC 4954) before the first MAIL; `mechanism` forces one. */
  auth?: SaslCredentials & { mechanism?: SaslMechanismName };
  /** Use BDAT when the server offers CHUNKING (RFC 3030); default true. */
  chunking?: boolean;
  /** Speak LMTP (RFC 2033): LHLO, and one reply per accepted recipient after the content. */
  lmtp?: boolean;
}

/** The stages where a transaction is under way, so `--quit-after` ends the whole session. */
const TRANSACTION_STOPS: ReadonlySet<QuitAfter | undefined> = new Set(["mail", "rcpt", "data"]);

/** What a transcript shows in place of a secret. */
const MASK = "********";

const WAIT: ClientStep = { commands: [], close: false };

/**
 * One SMTP client session as a pure machine: it never touches a socket. Feed it each whole
 * reply (starting with the greeting); it answers with the commands to send, when to run the
 * TLS handshake, when to send the content and when to close. It uses EHLO (LHLO for LMTP),
 * falling back to HELO on a 5xx; STARTTLS and EHLO again when asked; AUTH with the best
 * mechanism offered; then runs its mail transactions one after another (RSET between them
 * when one was left open), pipelining MAIL, RCPT and DATA when the server offers PIPELINING
 * and sending BDAT chunks when it offers CHUNKING; keeps each transaction's replies; and
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
  /** The reply to EHLO (LHLO), or to HELO after the fallback; the latest after STARTTLS. */
  helloReply?: Reply;
  /** The reply to STARTTLS. */
  starttlsReply?: Reply;
  /** True once the connection is TLS (implicit, or after a 220 to STARTTLS). */
  secure: boolean;
  /** The AUTH mechanism used, once chosen. */
  authMechanism?: SaslMechanismName;
  /** The reply that ended AUTH (235 on success). */
  authReply?: Reply;
  /** Every transaction started so far, in order, with its replies and outcome. */
  readonly transactions: ClientTransaction[] = [];
  /** What ended the session outside a transaction (greeting, EHLO, TLS, AUTH, 421), if any. */
  failure?: ClientFailure;

  readonly #options: ClientSessionOptions;
  readonly #queue: MailTransaction[];
  #expected: ClientStage[] = ["banner"];
  #current?: ClientTransaction;
  #done = false;
  #tlsTried = false;
  #sasl?: SaslMechanism;
  /** The current transaction waits for its next BDAT chunk (no reply is due meanwhile). */
  #awaitingChunk = false;
  /** The current transaction starts once RSET is answered (no PIPELINING). */
  #startAfterReset = false;

  /** Creates a session waiting for the server's greeting. */
  constructor(options: ClientSessionOptions) {
    this.#options = options;
    this.#queue = [...options.transactions];
    this.secure = options.secure ?? false;
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
    return !this.#done && this.#expected.length === 0 && !this.#awaitingChunk;
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
      case "starttls":
        return this.#onStarttls(reply);
      case "auth":
        return this.#onAuth(reply);
      case "rset":
        return this.#onRset();
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

  /**
   * The BDAT command for the next chunk of the content (`size` octets, `last` for the final
   * one), after a step with `content: "bdat"`; send it, then the chunk, then read its reply.
   */
  chunk(size: number, last: boolean): ClientCommand {
    if (!this.#awaitingChunk) {
      throw new ClientSessionError("chunk() is only for a transaction that awaits its content");
    }
    this.#awaitingChunk = false;
    const { command, stages } = this.#current!.chunk(size, last);
    this.#expected.push(...stages);
    return command;
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
    return this.#hello();
  }

  /** RFC 2033 §4.1: an LMTP client says LHLO where an SMTP client says EHLO. */
  #hello(): ClientStep {
    const verb = this.#options.lmtp ? "LHLO" : "EHLO";
    return this.#send(["ehlo"], { verb, argument: this.#options.clientName });
  }

  #onEhlo(reply: Reply): ClientStep {
    // RFC 5321 §4.1.4, §3.2: a server that rejects EHLO (5xx) may still speak HELO.
    if (reply.code >= 500 && !this.#options.lmtp) {
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
    const { starttls, auth } = this.#options;
    if (starttls !== undefined && !this.secure && !this.#tlsTried) {
      this.#tlsTried = true;
      if (this.capabilities.starttls) return this.#send(["starttls"], { verb: "STARTTLS" });
      if (starttls === "require") {
        return this.#failAndQuit("starttls", undefined, "the server does not offer STARTTLS");
      }
    }
    if (this.#stopsAt("ehlo") || this.#stopsAt("tls")) return this.#quit();
    if (auth !== undefined && this.authReply === undefined) return this.#startAuth(auth);
    return this.#afterAuth();
  }

  #onStarttls(reply: Reply): ClientStep {
    this.starttlsReply = reply;
    if (reply.code !== 220) {
      if (this.#options.starttls === "require") {
        return this.#failAndQuit("starttls", reply, "STARTTLS was refused");
      }
      return this.#afterHello();
    }
    // RFC 3207 §4.2: after the handshake the client forgets what it knew and says EHLO again.
    this.secure = true;
    this.capabilities = noCapabilities();
    this.helloReply = undefined;
    const step = this.#stopsAt("tls") ? this.#quit() : this.#hello();
    return { ...step, startTls: true };
  }

  #startAuth(auth: NonNullable<ClientSessionOptions["auth"]>): ClientStep {
    const name = chooseSaslMechanism(this.capabilities.auth, auth.mechanism);
    if (name === undefined) {
      const offered = this.capabilities.auth.join(" ") || "none";
      const wanted = auth.mechanism ?? "CRAM-MD5, PLAIN or LOGIN";
      return this.#failAndQuit(
        "auth",
        undefined,
        `AUTH ${wanted} not offered (offered: ${offered})`,
      );
    }
    this.authMechanism = name;
    this.#sasl = saslMechanism(name, auth);
    const initial = this.#sasl.initialResponse;
    // RFC 4954 §4: an initial response goes with the command, "=" when it is empty.
    if (initial === undefined) return this.#send(["auth"], { verb: "AUTH", argument: name });
    const argument = `${name} ${initial === "" ? "=" : encodeSaslText(initial)}`;
    return this.#send(["auth"], { verb: "AUTH", argument, masked: `AUTH ${name} ${MASK}` });
  }

  #onAuth(reply: Reply): ClientStep {
    // RFC 4954 §4: 334 carries a base64 challenge, answered on a line of its own.
    if (reply.code === 334) {
      const response = this.#sasl!.respond(decodeSaslText(reply.lines.join("")));
      const line = encodeSaslText(response);
      const secret = this.#sasl!.secret(response);
      return this.#send(["auth"], { verb: line, ...(secret && { masked: MASK }) });
    }
    this.authReply = reply;
    if (reply.code !== 235) return this.#failAndQuit("auth", reply, "authentication failed");
    return this.#afterAuth();
  }

  #afterAuth(): ClientStep {
    if (this.#stopsAt("auth")) return this.#quit();
    return this.#nextTransaction();
  }

  /** Starts the next queued transaction: RSET first if the last one was left open. */
  #nextTransaction(): ClientStep {
    if (this.transactions.length > 0 && TRANSACTION_STOPS.has(this.#options.quitAfter)) {
      return this.#quit();
    }
    const transaction = this.#queue.shift();
    if (transaction === undefined) return this.#options.keepOpen ? this.#idle() : this.#quit();
    const reset = this.#current?.needsReset ?? false;
    this.#current = new ClientTransaction(transaction);
    this.transactions.push(this.#current);
    if (!reset) return this.#startCurrent();
    // RFC 5321 §4.1.1.5: RSET aborts the open transaction; RFC 2920 §3.1: it may lead a group.
    if (!this.capabilities.pipelining) {
      this.#startAfterReset = true;
      return this.#send(["rset"], { verb: "RSET" });
    }
    const step = this.#startCurrent();
    this.#expected.unshift("rset");
    return { ...step, commands: [{ verb: "RSET" }, ...step.commands] };
  }

  /** RSET's reply: start the transaction waiting for it, if one is (else a group goes on). */
  #onRset(): ClientStep {
    if (!this.#startAfterReset) return WAIT;
    this.#startAfterReset = false;
    return this.#startCurrent();
  }

  #startCurrent(): ClientStep {
    const { capabilities } = this;
    const { quitAfter, lmtp, chunking } = this.#options;
    return this.#onTransaction(this.#current!.start({
      capabilities,
      quitAfter,
      lmtp,
      chunking: capabilities.chunking && chunking !== false,
    }));
  }

  /** Carries out what the current transaction asked for. */
  #onTransaction(step: TransactionStep): ClientStep {
    this.#expected.push(...step.stages);
    this.#awaitingChunk = step.content === "bdat";
    switch (step.then) {
      case "end":
        return this.#nextTransaction();
      case "quit":
        return this.#quit();
      case "close":
        return this.#close();
    }
    const { commands, content } = step;
    return content === undefined ? { commands, close: false } : { commands, content, close: false };
  }

  #stopsAt(stage: QuitAfter): boolean {
    return this.#options.quitAfter === stage;
  }

  #requireIdle(what: string): void {
    if (!this.idle) throw new ClientSessionError(`${what}() is only for an idle session`);
  }

  #send(stages: ClientStage[], ...commands: ClientCommand[]): ClientStep {
    this.#expected = stages;
    return { commands, close: false };
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
    return { commands: [], close: true };
  }

  #fail(stage: ClientStage, reply: Reply | undefined, reason: string): void {
    this.failure ??= reply === undefined ? { stage, reason } : { stage, reply, reason };
  }

  #failAndQuit(stage: ClientStage, reply: Reply | undefined, reason: string): ClientStep {
    this.#fail(stage, reply, reason);
    return this.#quit();
  }
}
