/**
 * SMTP commands (RFC 5321 §4.1): the verb and argument of a command line, the paths of
 * MAIL and RCPT, and command lines for clients.
 *
 * @module
 */

import { CommandSyntaxError } from "./errors.ts";
import { type EsmtpParameters, parseEsmtpParameters } from "./esmtp_parameters.ts";

/** A command line split into verb and argument. */
export interface Command {
  /** The verb, upper-cased (ASCII letters only). */
  verb: string;
  /** The rest of the line as sent, without surrounding blanks; may be "". */
  argument: string;
}

/** The argument of MAIL FROM or RCPT TO. */
export interface PathArgument {
  /** The path between the angle brackets, brackets excluded; "" for the null path `<>`. */
  path: string;
  /** The ESMTP parameters after the path. */
  params: EsmtpParameters;
}

// Commands may carry SMTPUTF8 addresses (RFC 6531 §3.3); invalid UTF-8 becomes U+FFFD.
const decoder = new TextDecoder("utf-8", { fatal: false });
const encoder = new TextEncoder();

/**
 * Splits a command line (without its CRLF) into verb and argument. RFC 5321 §4.1.1 puts
 * one space between them; blanks (spaces, tabs) around the argument are tolerated.
 *
 * @example
 * ```ts
 * import { parseCommand } from "./command.ts";
 * parseCommand(new TextEncoder().encode("mail FROM:<a@b.example>"));
 * // { verb: "MAIL", argument: "FROM:<a@b.example>" }
 * ```
 */
export function parseCommand(line: Uint8Array): Command {
  const text = decoder.decode(line).replace(/^[ \t]+|[ \t]+$/g, "");
  if (text === "") throw new CommandSyntaxError("Empty command line", 0);
  const blank = text.search(/[ \t]/);
  const verb = blank === -1 ? text : text.slice(0, blank);
  const argument = blank === -1 ? "" : text.slice(blank).replace(/^[ \t]+/, "");
  // RFC 5321 §2.4: verbs are case-insensitive. ASCII-only upper-casing, so that
  // "maıl" (dotless i) is not taken for MAIL.
  return { verb: verb.replace(/[a-z]+/g, (s) => s.toUpperCase()), argument };
}

/**
 * Parses the argument of MAIL: `FROM:<reverse-path> [params]` (RFC 5321 §4.1.1.2).
 * Spaces after the colon are tolerated, as Postfix does; the brackets are required.
 *
 * @example
 * ```ts
 * import { parseMailArgument } from "./command.ts";
 * parseMailArgument("FROM:<> BODY=8BITMIME"); // { path: "", params: { body: "8BITMIME", ... } }
 * ```
 */
export function parseMailArgument(argument: string): PathArgument {
  return parsePathArgument(argument, /^FROM:/i, "Syntax: MAIL FROM:<address>");
}

/** Parses the argument of RCPT: `TO:<forward-path> [params]` (RFC 5321 §4.1.1.3). */
export function parseRcptArgument(argument: string): PathArgument {
  return parsePathArgument(argument, /^TO:/i, "Syntax: RCPT TO:<address>");
}

function parsePathArgument(argument: string, prefix: RegExp, usage: string): PathArgument {
  const head = prefix.exec(argument);
  if (head === null) throw new CommandSyntaxError(usage, 0);
  let open = head[0].length;
  while (argument[open] === " ") open++;
  if (argument[open] !== "<") throw new CommandSyntaxError(usage, open);
  const close = findPathEnd(argument, open + 1);
  if (close === -1) throw new CommandSyntaxError(usage, argument.length);
  const rest = argument.slice(close + 1);
  // RFC 5321 §4.1.1.2: Reverse-path [SP Mail-parameters].
  if (rest !== "" && rest[0] !== " " && rest[0] !== "\t") {
    throw new CommandSyntaxError(usage, close + 1);
  }
  return { path: argument.slice(open + 1, close), params: parseEsmtpParameters(rest) };
}

/** Index of the ">" closing a path, skipping quoted strings (RFC 5321 §4.1.2); -1 if none. */
function findPathEnd(text: string, from: number): number {
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === "\\") i++; // quoted-pairSMTP = %d92 %d32-126
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ">") return i;
  }
  return -1;
}

/**
 * Encodes a command line for the wire: `VERB SP argument CRLF`, or `VERB CRLF` without
 * an argument. Throws {@linkcode CommandSyntaxError} if either contains CR or LF.
 *
 * @example
 * ```ts
 * import { formatCommand } from "./command.ts";
 * formatCommand("RCPT", "TO:<b@c.example>"); // bytes of "RCPT TO:<b@c.example>\r\n"
 * ```
 */
export function formatCommand(verb: string, argument?: string): Uint8Array {
  const line = argument === undefined || argument === "" ? verb : `${verb} ${argument}`;
  if (/[\r\n]/.test(line)) throw new CommandSyntaxError("Command must not contain CR or LF");
  return encoder.encode(`${line}\r\n`);
}
