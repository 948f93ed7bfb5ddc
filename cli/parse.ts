import { Command } from "@commander-js/extra-typings";
import { notBuilt } from "./not_built.ts";

/** `postie parse`: header and MIME-tree dump (not built yet). */
export function parseCommand(): Command<[string[]]> {
  return new Command("parse")
    .summary("dump a message's headers and MIME tree [not built yet]")
    .description(
      "Reads an .eml file, an mbox, a Maildir or stdin and prints the decoded headers and the " +
        "MIME tree. Not built yet: exits 69.",
    )
    .argument("[file...]", "message files, mboxes or Maildirs; - or nothing for stdin")
    .option("--headers", "print every header, decoded, in order")
    .option("--part <path>", "write the decoded content of one part to stdout")
    .option("--extract <dir>", "save every attachment under DIR")
    .option("--json", "print the whole structure as JSON")
    .addHelpText(
      "after",
      `
Examples:
  postie parse message.eml
  postie parse --extract ./attachments message.eml`,
    )
    .action(() => notBuilt("parse"));
}
