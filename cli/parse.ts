import { Command } from "@commander-js/extra-typings";

/** `postie parse`: header and MIME-tree dump of messages, mboxes and Maildirs. */
export function parseCommand(): Command<[string[]]> {
  return new Command("parse")
    .summary("dump a message's headers and MIME tree, decode parts, extract attachments")
    .description(
      "Reads an .eml file, an mbox (every message), a Maildir or stdin, streaming, and prints " +
        "the decoded From, To, Cc, Subject, Date and Message-ID, then the MIME tree with " +
        "sizes and warnings. Malformed mail is parsed as far as it goes, with warnings.",
    )
    .argument("[file...]", "message files, mboxes or Maildirs; - or nothing for stdin")
    .option("--headers", "print every header field, decoded, in order")
    .option("--raw", "with --headers: the header block's raw octets")
    .option("--part <path>", "write the decoded content of part PATH (e.g. 1.2) to stdout")
    .option("--text", "print the best plain-text body (text/plain, else HTML as text)")
    .option("--extract <dir>", "save every attachment under DIR (safe names, never overwrites)")
    .option("--json", "print the whole structure as JSON")
    .addHelpText(
      "after",
      `
Examples:
  postie parse message.eml
  postie parse --json < message.eml
  postie parse --part 1.2 message.eml > attachment.pdf
  postie parse --extract ./attachments message.eml
  postie parse ~/Maildir`,
    )
    .action(async (files, options) => {
      // Loaded on use, so other subcommands (and serve's worker) do not load lib/message.
      const { runParse } = await import("./parse_run.ts");
      Deno.exitCode = await runParse(files.length === 0 ? ["-"] : files, options);
    });
}
