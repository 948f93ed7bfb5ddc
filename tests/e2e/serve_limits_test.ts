/**
 * `postie serve`'s limits and timeouts, each set short by its flag and hit by a raw client:
 * RFC 5321 §4.5.3.1 (sizes, recipients, line length) and §4.5.3.2 (timeouts), plus the
 * connection and error limits that keep one client from holding the server.
 */

import { deepEqual, equal, match, ok } from "node:assert/strict";
import { assertDelivered, collectDelivered, withServe } from "./delivered.ts";
import { RawClient, type RawReply } from "./raw_client.ts";
import type { ServeProcess } from "./serve_process.ts";

const options = { sanitizeOps: false, sanitizeResources: false };
const OPEN = "EHLO c.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n";
const SMALL = "Subject: small\r\n\r\nsmall\r\n";
/** A message with a 992-octet text line, longer than the command line limit used below. */
const LONG = `Subject: long\r\n\r\n${"z".repeat(990)}\r\n`;

/** Connects and reads the greeting. */
async function connect(serve: ServeProcess): Promise<RawClient> {
  const client = await RawClient.connect(serve.port);
  equal((await client.readReplies(1))[0].code, 220);
  return client;
}

function firstLines(replies: RawReply[]): string[] {
  return replies.map((reply) => `${reply.code} ${reply.lines[0]}`);
}

/**
 * Reads the reply that ends a timed-out session, and how long after `since` it came. Tests take
 * `since` before the write that starts the server's clock, so `elapsed` is never short of it.
 */
async function timedOut(client: RawClient, since: number): Promise<number> {
  const [reply] = await client.readReplies(1);
  const elapsed = Date.now() - since;
  // RFC 5321 §4.5.3.2: a server that times out closes with 421.
  deepEqual(firstLines([reply]), ["421 4.4.2 postie.test Error: timeout exceeded"]);
  await client.closed();
  return elapsed;
}

Deno.test(
  "limits: a silent client is closed with 421 at the command timeout",
  options,
  async () => {
    await withServe(["--command-timeout", "300ms"], async (serve) => {
      const since = Date.now();
      const client = await connect(serve);
      try {
        const elapsed = await timedOut(client, since);
        ok(elapsed >= 300 && elapsed < 3_000, `closed after ${elapsed} ms`);
      } finally {
        await client.close();
      }
    });
  },
);

Deno.test(
  "limits: a client silent inside DATA is closed with 421 at the data timeout",
  options,
  async () => {
    await withServe(["--data-timeout", "300ms"], async (serve) => {
      const client = await connect(serve);
      try {
        await client.write(OPEN);
        await client.readReplies(4);
        const since = Date.now();
        await client.write("Subject: stalled\r\n\r\nhalf a mess");
        const elapsed = await timedOut(client, since);
        ok(elapsed >= 300 && elapsed < 3_000, `closed after ${elapsed} ms`);
      } finally {
        await client.close();
      }
      equal((await collectDelivered(serve)).length, 0);
    });
  },
);

Deno.test(
  "limits: a client trickling DATA one byte at a time is cut off at the total data timeout",
  options,
  async () => {
    // Each byte comes well inside the data timeout; only the total time limit can stop it.
    await withServe(["--data-timeout", "1s", "--data-total-timeout", "600ms"], async (serve) => {
      const client = await connect(serve);
      try {
        // The total time runs from the DATA command on.
        const since = Date.now();
        await client.write(OPEN);
        await client.readReplies(4);
        const trickling = (async () => {
          while (!client.eof && !client.transcript.includes("421") && Date.now() - since < 5_000) {
            await client.write("x").catch(() => {});
            await new Promise((resolve) => setTimeout(resolve, 40));
          }
        })();
        const elapsed = await timedOut(client, since);
        await trickling;
        ok(elapsed >= 600 && elapsed < 3_000, `closed after ${elapsed} ms`);
      } finally {
        await client.close();
      }
      equal((await collectDelivered(serve)).length, 0);
    });
  },
);

Deno.test(
  "limits: a client trickling one-octet BDAT chunks is cut off at the total data timeout",
  options,
  async () => {
    // Each chunk is a new command, so only a time limit over the whole message can stop it.
    await withServe(["--data-timeout", "1s", "--data-total-timeout", "600ms"], async (serve) => {
      const client = await connect(serve);
      try {
        await client.write("EHLO c.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\n");
        await client.readReplies(3);
        const since = Date.now();
        const trickling = (async () => {
          while (!client.eof && !client.transcript.includes("421") && Date.now() - since < 5_000) {
            await client.write("BDAT 1\r\nx").catch(() => {});
            await new Promise((resolve) => setTimeout(resolve, 40));
          }
        })();
        // Every chunk is acknowledged until the time is up.
        while (true) {
          const [reply] = await client.readReplies(1);
          if (reply.code === 421) break;
          deepEqual(firstLines([reply]), ["250 2.0.0 1 octets received"]);
        }
        const elapsed = Date.now() - since;
        await client.closed();
        await trickling;
        ok(elapsed >= 600 && elapsed < 3_000, `closed after ${elapsed} ms`);
      } finally {
        await client.close();
      }
      equal((await collectDelivered(serve)).length, 0);
    });
  },
);

Deno.test("limits: a refused BDAT chunk stops the total data clock", options, async () => {
  await withServe(["--data-timeout", "200ms", "--data-total-timeout", "300ms"], async (serve) => {
    const client = await connect(serve);
    try {
      // RFC 3030 §2: BDAT before any RCPT is refused, its octets read and dropped.
      await client.write("EHLO c.test\r\nMAIL FROM:<a@x.test>\r\nBDAT 3\r\nabc");
      deepEqual((await client.readReplies(3)).map((r) => r.code), [250, 250, 503]);
      // Back at commands, only the 5-minute command timeout applies (the data ones tick fast).
      await new Promise((resolve) => setTimeout(resolve, 600));
      deepEqual((await client.command("RCPT TO:<b@y.test>")).code, 250);
    } finally {
      await client.close();
    }
  });
});

/** `megabytes` MiB of 1000-octet lines, written a MiB at a time. */
async function writeLines(client: RawClient, megabytes: number): Promise<void> {
  const line = new TextEncoder().encode("x".repeat(1022) + "\r\n");
  const block = new Uint8Array(1024 * 1024);
  for (let at = 0; at < block.length; at += line.length) block.set(line, at);
  for (let i = 0; i < megabytes; i++) await client.write(block);
}

/** The peak resident set of a process, in KiB (Linux). */
async function peakRss(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)![1]);
}

Deno.test(
  "limits: --max-size refuses with 552 after reading, keeps nothing past it, session goes on",
  options,
  async () => {
    await withServe(["--max-size", "100k"], async (serve) => {
      const client = await connect(serve);
      try {
        const ehlo = await client.command("EHLO c.test");
        ok(ehlo.lines.includes("SIZE 102400"), ehlo.lines.join("\n"));
        // RFC 1870 §6.1: a declared SIZE over the limit is refused at MAIL already.
        match(
          firstLines([await client.command("MAIL FROM:<a@x.test> SIZE=200000")])[0],
          /^552 5\.3\.4 /,
        );
        // RFC 1870 §6.3: undeclared, the server reads to the end of data, then answers 552.
        await client.write("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n");
        deepEqual((await client.readReplies(3)).map((r) => r.code), [250, 250, 354]);
        await writeLines(client, 5);
        await client.write(".\r\n");
        match(firstLines(await client.readReplies(1))[0], /^552 5\.3\.4 /);
        // 256 MiB more: kept, they would raise the peak RSS by far more than the 128 MiB allowed.
        const before = await peakRss(serve.process.pid);
        await client.write("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n");
        await client.readReplies(3);
        await writeLines(client, 256);
        await client.write(".\r\n");
        match(firstLines(await client.readReplies(1))[0], /^552 5\.3\.4 /);
        const grown = (await peakRss(serve.process.pid)) - before;
        ok(grown < 128 * 1024, `peak RSS grew by ${grown} KiB`);
        await client.write(
          `MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n${SMALL}.\r\nQUIT\r\n`,
        );
        deepEqual((await client.readReplies(5)).map((r) => r.code), [250, 250, 354, 250, 221]);
      } finally {
        await client.close();
      }
      const messages = await collectDelivered(serve);
      equal(messages.length, 1);
      assertDelivered(messages[0], { from: "a@x.test", content: SMALL, recipient: "b@y.test" });
    });
  },
);

Deno.test(
  "limits: --max-recipients answers 452 past the limit and keeps the others",
  options,
  async () => {
    await withServe(["--max-recipients", "2"], async (serve) => {
      const client = await connect(serve);
      try {
        await client.write(
          "EHLO c.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b1@y.test>\r\nRCPT TO:<b2@y.test>\r\n" +
            `RCPT TO:<b3@y.test>\r\nDATA\r\n${SMALL}.\r\nQUIT\r\n`,
        );
        const replies = await client.readReplies(8);
        // RFC 5321 §4.5.3.1.10: 452 for recipients past the limit; the client retries them later.
        deepEqual(firstLines(replies.slice(3, 5)), [
          "250 2.1.5 Recipient ok",
          "452 4.5.3 Error: too many recipients",
        ]);
        deepEqual(replies.map((r) => r.code), [250, 250, 250, 250, 452, 354, 250, 221]);
      } finally {
        await client.close();
      }
      const messages = await collectDelivered(serve);
      equal(messages.length, 1);
      // Two recipients: the Received field names none (that would leak Bcc recipients).
      assertDelivered(messages[0], { from: "a@x.test", content: SMALL });
    });
  },
);

Deno.test("limits: --max-connections refuses the extra connection with 421", options, async () => {
  await withServe(["--max-connections", "2"], async (serve) => {
    const clients = [await connect(serve), await connect(serve)];
    try {
      const extra = await RawClient.connect(serve.port);
      clients.push(extra);
      deepEqual(firstLines(await extra.readReplies(1)), [
        "421 4.3.2 postie.test Error: too many connections; try again later",
      ]);
      await extra.closed();
      equal((await clients[0].command("QUIT")).code, 221);
      await clients[0].closed();
      // Once a session ends its slot is free again (the server notices the close promptly).
      const deadline = Date.now() + 3_000;
      while (true) {
        const next = await RawClient.connect(serve.port);
        clients.push(next);
        const [reply] = await next.readReplies(1);
        if (reply.code === 220) break;
        ok(Date.now() < deadline, "no slot freed after a QUIT");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      for (const client of clients) await client.close();
    }
  });
});

Deno.test("limits: --max-errors closes the session with 421 at the limit", options, async () => {
  await withServe(["--max-errors", "3"], async (serve) => {
    const client = await connect(serve);
    try {
      await client.write("FOO\r\nMAIL FROM:<a@x.test>\r\nBAR\r\nNOOP\r\n");
      const replies = await client.readReplies(4);
      deepEqual(firstLines(replies), [
        "500 5.5.2 Error: command not recognized",
        "503 5.5.1 Error: send HELO/EHLO first",
        "500 5.5.2 Error: command not recognized",
        "421 4.7.0 postie.test Error: too many errors",
      ]);
      // The NOOP after the limit is never answered.
      await client.closed();
    } finally {
      await client.close();
    }
  });
});

Deno.test(
  "limits: a command line over --max-line-length gets 500 and the session goes on",
  options,
  async () => {
    await withServe(["--max-line-length", "100"], async (serve) => {
      const client = await connect(serve);
      try {
        // RFC 5321 §4.5.3.1.4: the limit counts the CRLF: 100 octets pass, 101 do not.
        const exactly = (length: number) => `NOOP ${"x".repeat(length - 7)}`;
        deepEqual(firstLines([await client.command(exactly(100))]), ["250 2.0.0 Ok"]);
        deepEqual(firstLines([await client.command(exactly(101))]), [
          "500 5.5.2 Error: line too long",
        ]);
        // A line of 4 MiB is skipped, not buffered, and answered once.
        await client.write(`NOOP ${"y".repeat(4 * 1024 * 1024)}\r\nNOOP\r\n`);
        deepEqual(firstLines(await client.readReplies(2)), [
          "500 5.5.2 Error: line too long",
          "250 2.0.0 Ok",
        ]);
        await client.write(`EHLO c.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n`);
        deepEqual((await client.readReplies(4)).map((r) => r.code), [250, 250, 250, 354]);
        // The limit is for commands: text lines inside DATA may be longer (RFC 5321 §4.5.3.1.6).
        await client.write(`${LONG}.\r\nQUIT\r\n`);
        deepEqual((await client.readReplies(2)).map((r) => r.code), [250, 221]);
        await client.closed();
      } finally {
        await client.close();
      }
      const messages = await collectDelivered(serve);
      equal(messages.length, 1);
      assertDelivered(messages[0], { from: "a@x.test", content: LONG, recipient: "b@y.test" });
    });
  },
);
