import assert from "node:assert/strict";
import { loadAppendixD, type SampleSession } from "../fixtures/rfc5321/sessions.ts";
import { parseCommand, parseMailArgument, parseRcptArgument } from "../../lib/wire/command.ts";
import { formatReply, type Reply, ReplyParser } from "../../lib/wire/reply.ts";
import { LineReader } from "../../lib/wire/line_reader.ts";
import { DotStuffer, DotUnstuffer } from "../../lib/wire/dot.ts";
import { concatBytes } from "../../lib/wire/bytes.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

const EXPECTED: Record<string, { verbs: string[]; codes: number[] }> = {
  "d1": {
    verbs: ["EHLO", "MAIL", "RCPT", "RCPT", "RCPT", "DATA", "QUIT"],
    codes: [220, 250, 250, 250, 550, 250, 354, 250, 221],
  },
  "d2": {
    verbs: ["EHLO", "MAIL", "RCPT", "RCPT", "RSET", "QUIT"],
    codes: [220, 250, 250, 250, 550, 250, 221],
  },
  "d3-1": {
    verbs: ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"],
    codes: [220, 250, 250, 250, 354, 250, 221],
  },
  "d3-2": {
    verbs: ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"],
    codes: [220, 250, 250, 250, 354, 250, 221],
  },
  "d4": {
    verbs: ["EHLO", "VRFY", "MAIL", "RCPT", "DATA", "QUIT"],
    codes: [220, 250, 250, 250, 250, 354, 250, 221],
  },
};

/** Client lines split into command lines and DATA message lines (after 354, up to "."). */
function clientLines(session: SampleSession): { commands: string[]; messages: string[][] } {
  const commands: string[] = [];
  const messages: string[][] = [];
  let message: string[] | undefined;
  for (const { side, text } of session.steps) {
    if (side === "S") {
      if (text.startsWith("354")) messages.push(message = []);
    } else if (message === undefined) {
      commands.push(text);
    } else if (text === ".") {
      message = undefined;
    } else {
      message.push(text);
    }
  }
  return { commands, messages };
}

const sessions = await loadAppendixD();

Deno.test("loadAppendixD reads the five sessions", () => {
  assert.deepEqual(sessions.map((s) => s.name), ["d1", "d2", "d3-1", "d3-2", "d4"]);
  const d1 = sessions[0].steps;
  assert.deepEqual(d1[0], { side: "S", text: "220 foo.com Simple Mail Transfer Service Ready" });
  assert.deepEqual(sessions[3].steps.find((s) => s.text.includes("05:33:29 -0700")), {
    side: "C",
    text: "    05:33:29 -0700",
  });
  assert.ok(sessions[2].steps.some((s) => s.side === "C" && s.text === ""));
});

for (const session of sessions) {
  Deno.test(`Appendix D ${session.name}: every command parses`, () => {
    const { commands } = clientLines(session);
    const parsed = commands.map((line) => parseCommand(enc.encode(line)));
    assert.deepEqual(parsed.map((c) => c.verb), EXPECTED[session.name].verbs);
    for (const { verb, argument } of parsed) {
      if (verb === "MAIL") assert.match(parseMailArgument(argument).path, /^[A-Za-z.]+@bar\.com$/);
      if (verb === "RCPT") {
        assert.match(parseRcptArgument(argument).path, /^[A-Za-z.]+@(foo|XYZ)\.COM$/i);
      }
    }
  });

  Deno.test(`Appendix D ${session.name}: every reply parses and formats back`, () => {
    const parser = new ReplyParser();
    const replies: Reply[] = [];
    const serverText = session.steps.filter((s) => s.side === "S").map((s) => s.text);
    for (const line of serverText) {
      const reply = parser.push(line);
      if (reply) replies.push(reply);
    }
    assert.equal(parser.pending, false);
    assert.deepEqual(replies.map((r) => r.code), EXPECTED[session.name].codes);
    assert.equal(replies.map(formatReply).join(""), serverText.map((l) => l + "\r\n").join(""));
  });

  Deno.test(`Appendix D ${session.name}: the client side read off the wire`, async () => {
    const { commands, messages } = clientLines(session);
    // The whole client side as one pipelined stream, cut into 7-byte chunks.
    const wire = enc.encode(
      session.steps.filter((s) => s.side === "C").map((s) => s.text + "\r\n").join(""),
    );
    const chunks = Array.from(
      { length: Math.ceil(wire.length / 7) },
      (_, i) => wire.subarray(i * 7, i * 7 + 7),
    );
    const reader = new LineReader(ReadableStream.from(chunks));
    const seenCommands: string[] = [];
    const seenMessages: string[] = [];
    for (let line; (line = await reader.readLine()) !== null;) {
      seenCommands.push(dec.decode(line.bytes));
      if (parseCommand(line.bytes).verb === "DATA") seenMessages.push(await readData(reader));
    }
    assert.deepEqual(seenCommands, commands);
    // The transcript shows the wire: "...etc." is the message line "..etc." stuffed.
    const expected = messages.map((lines) =>
      lines.map((l) => l.replace(/^\./, "") + "\r\n").join("")
    );
    assert.deepEqual(seenMessages, expected);
    for (const [i, message] of expected.entries()) {
      const stuffer = new DotStuffer();
      const body = [...stuffer.push(enc.encode(message)), stuffer.end()];
      assert.equal(
        dec.decode(concatBytes(body)),
        messages[i].map((l) => l + "\r\n").join("") + ".\r\n",
      );
    }
  });
}

/** Reads a DATA body as a server does: pieces off the reader, the rest put back. */
async function readData(reader: LineReader): Promise<string> {
  const decoder = new DotUnstuffer();
  const body: Uint8Array[] = [];
  while (!decoder.done) {
    const { data, rest } = decoder.push((await reader.read(64))!);
    body.push(...data);
    reader.unread(rest);
  }
  return dec.decode(concatBytes([new Uint8Array(), ...body]));
}
