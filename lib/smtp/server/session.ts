import { AddressSyntaxError, parsePath, type Path } from "../../address/mod.ts";
import {
  type Command,
  CommandSyntaxError,
  type EsmtpParameters,
  parseCommand,
  parseMailArgument,
  parseRcptArgument,
  type Reply,
} from "../../wire/mod.ts";
import type { ClientInfo, Envelope } from "./envelope.ts";
import type { SessionLimits } from "./limits.ts";
import { Replies } from "./replies.ts";

/** What the I/O glue must do after a step of the session. */
export type Next =
  /** Read the next command line. */
  | { kind: "command" }
  /** 354 was sent: read a DATA body up to <CRLF>.<CRLF>, then call `dataComplete`. */
  | { kind: "data" }
  /** Read exactly `size` octets of a BDAT chunk (RFC 3030), then call `chunkComplete`. */
  | { kind: "chunk"; size: number; last: boolean; discard: boolean }
  /** Store the message durably, then call `stored` or `storeFailed`. */
  | { kind: "store"; envelope: Envelope }
  /** Send the replies, then close the connection. */
  | { kind: "close" };

/** The result of feeding one event to the session: replies to send, in order, and what follows. */
export interface Step {
  /** The replies to send, in order. */
  replies: Reply[];
  /** What the glue does next. */
  next: Next;
}

/** What the glue saw while reading a message's content. */
export interface ContentOutcome {
  /** Octets of content (after dot-unstuffing for DATA). */
  size: number;
  /** Bare LF or bare CR seen in a DATA body (smuggling-relevant, RFC 5321 §2.3.8). */
  bareNewlines: number;
}

/** Policy decisions a session defers to, as aiosmtpd's handler hooks. */
export interface SessionPolicy {
  /**
   * Return a reply to refuse a MAIL whose declared SIZE (RFC 1870) cannot be stored now, e.g.
   * for a disk short of room; undefined to accept it.
   */
  declaredSize?(size: number): Reply | undefined;
  /** Return a reply to refuse a recipient, or undefined to accept it. */
  recipient?(path: Path, envelope: Envelope): Reply | undefined;
}

/** The extensions postie's server supports, advertised after EHLO (RFC 5321 §4.1.1.1). */
const EXTENSIONS = [
  "PIPELINING",
  "8BITMIME",
  "SMTPUTF8",
  "ENHANCEDSTATUSCODES",
  "CHUNKING",
  "BINARYMIME",
  "DSN",
];

// RFC 5321 §4.2.4 / RFC 821 commands that postie does not implement.
const NOT_IMPLEMENTED = new Set([
  "SEND",
  "SOML",
  "SAML",
  "TURN",
  "ETRN",
  "ATRN",
  "EXPN",
  "STARTTLS",
  "AUTH",
]);

type State = "fresh" | "greeted" | "mail" | "rcpt" | "bdat" | "closed";

/**
 * A sans-IO SMTP server session (RFC 5321, with RFC 1870 SIZE, 2920 PIPELINING, 3030 CHUNKING,
 * 3461 DSN, 6152 8BITMIME, 6531 SMTPUTF8, 2034 ENHANCEDSTATUSCODES). It never touches a socket:
 * feed it command lines and content outcomes, send the replies it returns, do what `next` says.
 *
 * @example
 * ```ts
 * const session = new ServerSession("mx.example.test", { address: "127.0.0.1", port: 5000 });
 * session.greeting();                                   // 220 mx.example.test ESMTP postie
 * session.command(new TextEncoder().encode("EHLO client.example.test"));
 * const step = session.command(new TextEncoder().encode("MAIL FROM:<a@example.test>"));
 * step.replies[0].code;                                 // 250
 * ```
 */
export class ServerSession {
  /** What the session knows about the client (greeting, TLS, AUTH). */
  readonly client: ClientInfo;
  #state: State = "fresh";
  #envelope: Envelope | undefined;
  #errors = 0;
  #chunkedSize = 0;
  #chunkFailure: Reply | undefined;
  #messages = 0;

  /**
   * A session for one newly connected client, before the greeting.
   *
   * @param hostname this server's name, for the greeting (RFC 5321 §4.1.3)
   * @param client the client's address and port
   * @param limits per-session limits (RFC 5321 §4.5.3.1)
   * @param policy which envelopes to accept
   */
  constructor(
    readonly hostname: string,
    client: { address: string; port: number },
    readonly limits: SessionLimits,
    readonly policy: SessionPolicy = {},
  ) {
    this.client = { ...client, esmtp: false, tls: false, authenticated: false };
  }

  /** The 220 greeting (RFC 5321 §4.3.1; no enhanced code, RFC 2034 §3). */
  greeting(): Reply {
    return Replies.greeting(this.hostname);
  }

  /** The transaction being built, if any. */
  get envelope(): Envelope | undefined {
    return this.#envelope;
  }

  /** True between MAIL and the end of the transaction: shutting down waits for it. */
  get inTransaction(): boolean {
    return this.#envelope !== undefined;
  }

  /** Messages accepted so far in this session. */
  get messages(): number {
    return this.#messages;
  }

  /**
   * Feeds one command line (without its line ending); `crlf` is false when it ended with a bare
   * LF, which `--bare-lf reject` refuses in commands too, as Postfix's
   * `smtpd_forbid_bare_newline = reject` does.
   */
  command(line: Uint8Array, crlf = true): Step {
    if (this.#state === "closed") return this.#close(Replies.closing(this.hostname));
    if (!crlf && this.limits.bareNewlines === "reject") {
      return this.#error(Replies.bareNewlineCommand());
    }
    let command: Command;
    try {
      command = parseCommand(line);
    } catch (error) {
      if (error instanceof CommandSyntaxError) return this.#error(Replies.unrecognized());
      throw error;
    }
    if (this.#state === "bdat" && command.verb !== "BDAT" && command.verb !== "RSET") {
      if (command.verb === "QUIT") return this.#close(Replies.closing(this.hostname));
      // RFC 3030 §2: after a BDAT chunk only BDAT, RSET or QUIT may follow.
      return this.#error(Replies.badSequence("BDAT in progress; send BDAT or RSET"));
    }
    return this.#dispatch(command);
  }

  /** The command line was longer than the limit (RFC 5321 §4.5.3.1.4). */
  lineTooLong(): Step {
    return this.#error(Replies.lineTooLong());
  }

  /** The DATA body ended with <CRLF>.<CRLF>. */
  dataComplete(outcome: ContentOutcome): Step {
    return this.#contentComplete(outcome);
  }

  /** A BDAT chunk of the announced size was read. */
  chunkComplete(chunk: { size: number; last: boolean }): Step {
    if (this.#chunkFailure) {
      const failure = this.#chunkFailure;
      this.#chunkFailure = undefined;
      return this.#error(failure);
    }
    this.#chunkedSize += chunk.size;
    if (!chunk.last) {
      return { replies: [Replies.chunkReceived(chunk.size)], next: { kind: "command" } };
    }
    return this.#contentComplete({ size: this.#chunkedSize, bareNewlines: 0 });
  }

  /** The message is durable in the spool: answer 250 with its queue id. */
  stored(queueId: string): Step {
    this.#messages++;
    this.#reset();
    return { replies: [Replies.queued(queueId)], next: { kind: "command" } };
  }

  /** The spool could not take the message (RFC 3463 4.3.1 for a full disk, 4.3.0 otherwise). */
  storeFailed(reason: "disk-full" | "io"): Step {
    this.#reset();
    const reply = reason === "disk-full" ? Replies.insufficientStorage() : Replies.localError();
    return { replies: [reply], next: { kind: "command" } };
  }

  /** The client stayed silent past a timeout of RFC 5321 §4.5.3.2. */
  timeout(): Step {
    return this.#close(Replies.timeout(this.hostname));
  }

  /** The server is shutting down: 421 and close (RFC 5321 §3.8). */
  shutdown(): Step {
    return this.#close(Replies.shuttingDown(this.hostname));
  }

  #dispatch(command: Command): Step {
    switch (command.verb) {
      case "EHLO":
      case "HELO":
        return this.#hello(command);
      case "MAIL":
        return this.#mail(command.argument);
      case "RCPT":
        return this.#rcpt(command.argument);
      case "DATA":
        return this.#data(command.argument);
      case "BDAT":
        return this.#bdat(command.argument);
      case "RSET":
        if (command.argument !== "") return this.#error(Replies.syntax("RSET takes no argument"));
        this.#reset();
        return this.#ok(Replies.ok());
      case "NOOP":
        // RFC 5321 §4.1.1.9: NOOP may carry a string; it is ignored.
        return this.#ok(Replies.ok());
      case "QUIT":
        return this.#close(Replies.closing(this.hostname));
      case "HELP":
        return this.#ok(Replies.help());
      case "VRFY":
        if (command.argument === "") return this.#error(Replies.syntax("Syntax: VRFY <address>"));
        // RFC 5321 §3.5.3: 252 when the server will not verify but will accept the message.
        return this.#ok(Replies.cannotVerify());
      default:
        if (NOT_IMPLEMENTED.has(command.verb)) return this.#error(Replies.notImplemented());
        return this.#error(Replies.unrecognized());
    }
  }

  #hello(command: Command): Step {
    if (command.argument === "") {
      return this.#error(Replies.syntax(`Syntax: ${command.verb} <hostname>`));
    }
    // RFC 5321 §4.1.4: EHLO/HELO anywhere resets the transaction.
    this.#reset();
    this.client.helo = command.argument.split(/\s/)[0];
    this.client.esmtp = command.verb === "EHLO";
    this.#state = "greeted";
    if (!this.client.esmtp) return this.#ok(Replies.helo(this.hostname));
    return this.#ok(Replies.ehlo(this.hostname, this.client.helo, [
      ...EXTENSIONS.slice(0, 1),
      `SIZE ${this.limits.maxMessageSize}`,
      ...EXTENSIONS.slice(1),
    ]));
  }

  #mail(argument: string): Step {
    if (this.#state === "fresh") return this.#error(Replies.badSequence("send HELO/EHLO first"));
    if (this.#envelope) return this.#error(Replies.badSequence("nested MAIL command"));
    let parsed;
    try {
      parsed = parseMailArgument(argument);
    } catch (error) {
      return this.#syntaxError(error, "Syntax: MAIL FROM:<address>");
    }
    const { params } = parsed;
    const refusal = this.#checkParameters(params, ["size", "body", "smtputf8", "ret", "envid"]);
    if (refusal) return this.#error(refusal);
    if (params.size !== undefined && params.size > this.limits.maxMessageSize) {
      // RFC 1870 §6.1: a declared SIZE over the limit gets 552 at MAIL.
      return this.#error(Replies.messageTooBig());
    }
    // RFC 1870 §6.1: a size within the limit that does not fit now gets 452 4.3.1.
    const noRoom = params.size === undefined ? undefined : this.policy.declaredSize?.(params.size);
    if (noRoom) return this.#ok(noRoom);
    const path = this.#parsePath(parsed.path, params.smtputf8 === true, "sender");
    if (!("mailbox" in path)) return path;
    this.#envelope = { reversePath: path, mailParams: params, recipients: [] };
    this.#state = "mail";
    return this.#ok(Replies.senderOk());
  }

  #rcpt(argument: string): Step {
    const envelope = this.#envelope;
    if (!envelope) return this.#error(Replies.badSequence("need MAIL command"));
    let parsed;
    try {
      parsed = parseRcptArgument(argument);
    } catch (error) {
      return this.#syntaxError(error, "Syntax: RCPT TO:<address>");
    }
    const refusal = this.#checkParameters(parsed.params, ["notify", "orcpt"]);
    if (refusal) return this.#error(refusal);
    if (envelope.recipients.length >= this.limits.maxRecipients) {
      // RFC 5321 §4.5.3.1.10: 452 for recipients past the limit; the client sends them later.
      return this.#ok(Replies.tooManyRecipients());
    }
    const path = this.#parsePath(
      parsed.path,
      envelope.mailParams.smtputf8 === true,
      "recipient",
    );
    if (!("mailbox" in path)) return path;
    if (path.mailbox === null) return this.#error(Replies.badAddress("recipient", "null path"));
    const refused = this.policy.recipient?.(path, envelope);
    if (refused) return this.#error(refused);
    envelope.recipients.push({ path, params: parsed.params });
    this.#state = "rcpt";
    return this.#ok(Replies.recipientOk());
  }

  #data(argument: string): Step {
    if (argument !== "") return this.#error(Replies.syntax("DATA takes no argument"));
    if (!this.#envelope) return this.#error(Replies.badSequence("need MAIL command"));
    if (this.#envelope.recipients.length === 0) {
      return this.#error(Replies.badSequence("need RCPT command"));
    }
    if (this.#envelope.mailParams.body === "BINARYMIME") {
      // RFC 3030 §3: BINARYMIME content can only be sent with BDAT.
      return this.#error(Replies.badSequence("BODY=BINARYMIME requires BDAT"));
    }
    return { replies: [Replies.startData()], next: { kind: "data" } };
  }

  #bdat(argument: string): Step {
    const match = /^(\d{1,15})(?: +(LAST))?$/i.exec(argument.trim());
    if (!match) return this.#error(Replies.syntax("Syntax: BDAT <size> [LAST]"));
    const size = Number(match[1]);
    const last = match[2] !== undefined;
    // RFC 3030 §2: a refused BDAT chunk is still read (and discarded) so the stream stays in sync.
    const refuse = (reply: Reply): Step => {
      this.#chunkFailure = reply;
      return { replies: [], next: { kind: "chunk", size, last, discard: true } };
    };
    if (!this.#envelope) return refuse(Replies.badSequence("need MAIL command"));
    if (this.#envelope.recipients.length === 0) {
      return refuse(Replies.badSequence("need RCPT command"));
    }
    if (this.#chunkedSize + size > this.limits.maxMessageSize) {
      this.#reset();
      return refuse(Replies.messageTooBig());
    }
    this.#state = last ? "rcpt" : "bdat";
    return { replies: [], next: { kind: "chunk", size, last, discard: false } };
  }

  #contentComplete(outcome: ContentOutcome): Step {
    const envelope = this.#envelope!;
    if (outcome.size > this.limits.maxMessageSize) {
      this.#reset();
      return this.#error(Replies.messageTooBig());
    }
    if (outcome.bareNewlines > 0 && this.limits.bareNewlines === "reject") {
      this.#reset();
      return this.#error(Replies.bareNewline());
    }
    return { replies: [], next: { kind: "store", envelope } };
  }

  #checkParameters(params: EsmtpParameters, allowed: (keyof EsmtpParameters)[]): Reply | undefined {
    if (params.other.size > 0) {
      return Replies.parameterNotRecognized([...params.other.keys()][0]);
    }
    for (const key of Object.keys(params) as (keyof EsmtpParameters)[]) {
      if (key === "other" || params[key] === undefined) continue;
      if (!allowed.includes(key) || !this.client.esmtp) {
        // RFC 5321 §4.1.1.11: parameters after HELO, or not of this command, get 555.
        return Replies.parameterNotRecognized(key.toUpperCase());
      }
    }
    return undefined;
  }

  #parsePath(text: string, smtputf8: boolean, role: "sender" | "recipient"): Path | Step {
    try {
      return parsePath(text, {
        smtputf8,
        allowNull: role === "sender",
        allowPostmaster: role === "recipient",
      });
    } catch (error) {
      if (!(error instanceof AddressSyntaxError)) throw error;
      // RFC 6531 §3.5: a non-ASCII address without SMTPUTF8 gets 553 5.6.7.
      if (!smtputf8 && /[^ -~]/.test(text)) return this.#error(Replies.needsSmtputf8(role));
      return this.#error(Replies.badAddress(role, error.reason));
    }
  }

  #syntaxError(error: unknown, usage: string): Step {
    if (error instanceof CommandSyntaxError) {
      return this.#error(Replies.syntax(error.message || usage));
    }
    throw error;
  }

  #reset(): void {
    this.#envelope = undefined;
    this.#chunkedSize = 0;
    if (this.#state !== "fresh" && this.#state !== "closed") this.#state = "greeted";
  }

  #ok(reply: Reply): Step {
    return { replies: [reply], next: { kind: "command" } };
  }

  #error(reply: Reply): Step {
    this.#errors++;
    if (this.#errors >= this.limits.maxErrors) {
      return { replies: [reply, Replies.tooManyErrors(this.hostname)], next: this.#closeNext() };
    }
    return { replies: [reply], next: { kind: "command" } };
  }

  #close(reply: Reply): Step {
    return { replies: [reply], next: this.#closeNext() };
  }

  #closeNext(): Next {
    this.#state = "closed";
    this.#envelope = undefined;
    return { kind: "close" };
  }
}
