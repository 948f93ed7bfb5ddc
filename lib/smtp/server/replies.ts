import { type Reply, reply } from "../../wire/mod.ts";

/**
 * Freezes a reply that never changes: sessions share it, and the connection keeps its wire
 * encoding (see `encodeReplies` in connection.ts) instead of formatting it per message.
 */
function frozen(made: Reply): Reply {
  Object.freeze(made.lines);
  return Object.freeze(made);
}

/** A fixed reply, made once. */
function fixed(code: number, enhanced: string | undefined, text: string): () => Reply {
  const made = frozen(reply(code, enhanced, text));
  return () => made;
}

/** A fixed reply that depends only on this server's host name, made once per name. */
function perHost(make: (host: string) => Reply): (host: string) => Reply {
  const made = new Map<string, Reply>();
  return (host) => {
    let found = made.get(host);
    if (!found) made.set(host, found = frozen(make(host)));
    return found;
  };
}

/**
 * Every reply the server sends, named once, with its RFC 5321 code and RFC 3463 enhanced status.
 * The greeting and the HELO/EHLO replies carry no enhanced status (RFC 2034 §3).
 */
export const Replies = {
  greeting: perHost((host) => reply(220, undefined, `${host} ESMTP postie`)),
  helo: (host: string): Reply => reply(250, undefined, host),
  ehlo: (host: string, client: string, extensions: string[]): Reply =>
    reply(250, undefined, `${host} greets ${client}`, ...extensions),
  ok: fixed(250, "2.0.0", "Ok"),
  senderOk: fixed(250, "2.1.0", "Sender ok"),
  recipientOk: fixed(250, "2.1.5", "Recipient ok"),
  startData: fixed(354, undefined, "End data with <CR><LF>.<CR><LF>"),
  chunkReceived: (size: number): Reply => reply(250, "2.0.0", `${size} octets received`),
  queued: (queueId: string): Reply => reply(250, "2.0.0", `Ok: queued as ${queueId}`),
  closing: perHost((host) => reply(221, "2.0.0", `${host} closing connection`)),
  help: (): Reply =>
    reply(
      214,
      "2.0.0",
      "Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT HELP VRFY",
      "See RFC 5321 and https://www.rfc-editor.org/rfc/rfc5321",
    ),
  cannotVerify: (): Reply =>
    reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery"),
  unrecognized: (): Reply => reply(500, "5.5.2", "Error: command not recognized"),
  lineTooLong: (): Reply => reply(500, "5.5.2", "Error: line too long"),
  syntax: (text: string): Reply => reply(501, "5.5.4", text),
  notImplemented: (): Reply => reply(502, "5.5.1", "Error: command not implemented"),
  badSequence: (text: string): Reply => reply(503, "5.5.1", `Error: ${text}`),
  badAddress: (role: "sender" | "recipient", reason: string): Reply =>
    reply(501, role === "sender" ? "5.1.7" : "5.1.3", `Bad ${role} address syntax: ${reason}`),
  needsSmtputf8: (role: "sender" | "recipient"): Reply =>
    reply(553, "5.6.7", `Non-ASCII ${role} address requires the SMTPUTF8 parameter`),
  parameterNotRecognized: (name: string): Reply =>
    reply(555, "5.5.4", `Unsupported option: ${name}`),
  messageTooBig: (): Reply => reply(552, "5.3.4", "Error: message size exceeds fixed limit"),
  tooManyRecipients: (): Reply => reply(452, "4.5.3", "Error: too many recipients"),
  // RFC 5321 §2.3.8 and the SMTP-smuggling advisories: bare LF/CR in content is refused.
  bareNewline: (): Reply =>
    reply(550, "5.6.11", "Error: bare <CR> or <LF> in message content; use <CR><LF>"),
  bareNewlineCommand: (): Reply =>
    reply(500, "5.5.2", "Error: bare <LF> received; end command lines with <CR><LF>"),
  insufficientStorage: (): Reply => reply(452, "4.3.1", "Error: insufficient system storage"),
  localError: (): Reply => reply(451, "4.3.0", "Error: local error in processing; try again"),
  timeout: (host: string): Reply => reply(421, "4.4.2", `${host} Error: timeout exceeded`),
  tooManyErrors: (host: string): Reply => reply(421, "4.7.0", `${host} Error: too many errors`),
  tooManyConnections: (host: string): Reply =>
    reply(421, "4.3.2", `${host} Error: too many connections; try again later`),
  shuttingDown: (host: string): Reply =>
    reply(421, "4.3.2", `${host} Service shutting down; try again later`),
} as const;
