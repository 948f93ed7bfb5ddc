/**
 * `postie serve` killed with SIGKILL at random moments while clients send without pause, and
 * restarted on the same data directory and port, many times. The promise under test: a message
 * that got its 250 is delivered into the Maildir exactly once, whatever the moment of the crash;
 * a message that did not may be delivered, but never twice.
 *
 * The kill delays come from a seeded generator; a failure prints the seed, and
 * `CRASH_SEED=<seed>` replays the same schedule (the machine's timing still varies).
 */

import { equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { segmentNumber } from "../../lib/spool/segment_writer.ts";
import { RawClient } from "./raw_client.ts";
import { freeLoopbackPort, type ServeProcess, startServe } from "./serve_process.ts";

const CLIENTS = 4;
const CYCLES = 15;
const KILL_AFTER_MS = [50, 400] as const;
/** Each message carries this much filler, so crashes also land inside longer spool writes. */
const FILLER = ("x".repeat(76) + "\r\n").repeat(24);
const MESSAGE_ID = /^Message-ID: <(c\d+-\d+)@crash\.test>\r$/m;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** mulberry32: a small seeded generator, so a failing kill schedule can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the clients learned: every message tried, and the ones acknowledged with a queue id. */
interface Ledger {
  attempted: Set<string>;
  /** Unique id → queue id from "250 … queued as <id>". */
  acknowledged: Map<string, string>;
  refused: number;
  reconnects: number;
}

function messageFor(uid: string): string {
  return `Message-ID: <${uid}@crash.test>\r\nSubject: crash test ${uid}\r\n` +
    `From: <c@client.test>\r\nTo: <r@crash.test>\r\n\r\n${FILLER}end of ${uid}\r\n.\r\n`;
}

/**
 * One client: connects (again after every failure), then sends message after message with
 * MAIL, RCPT and DATA pipelined, each with a fresh unique id, until `stopped()`.
 */
async function sendUntil(
  client: number,
  port: () => number,
  stopped: () => boolean,
  ledger: Ledger,
): Promise<void> {
  let n = 0;
  while (!stopped()) {
    let connection: RawClient;
    try {
      connection = await RawClient.connect(port(), { timeoutMs: 10_000 });
    } catch {
      // Refused while the server restarts.
      await sleep(10);
      continue;
    }
    ledger.reconnects++;
    try {
      await connection.readReplies(1);
      await connection.write(`EHLO client${client}.test\r\n`);
      await connection.readReplies(1);
      while (!stopped()) {
        const uid = `c${client}-${n++}`;
        ledger.attempted.add(uid);
        await connection.write("MAIL FROM:<c@client.test>\r\nRCPT TO:<r@crash.test>\r\nDATA\r\n");
        const replies = await connection.readReplies(3);
        if (replies[2].code !== 354) throw new Error(`no 354: ${connection.transcript}`);
        await connection.write(messageFor(uid));
        const [final] = await connection.readReplies(1);
        const queueId = /queued as ([0-9A-Z]+)/.exec(final.lines[0])?.[1];
        if (final.code === 250 && queueId) ledger.acknowledged.set(uid, queueId);
        else ledger.refused++;
      }
      await connection.write("QUIT\r\n");
    } catch {
      // The server died mid-dialogue: whatever was not acknowledged may or may not arrive.
    } finally {
      await connection.close();
    }
  }
}

/** Starts serve on the given port, retrying while the old process's socket lingers. */
async function restart(dataDir: string, port: number): Promise<ServeProcess> {
  for (let attempt = 1;; attempt++) {
    try {
      return await startServe({ dataDir, port });
    } catch (error) {
      if (attempt >= 10 || !/already in use/.test(String(error))) throw error;
      await sleep(100);
    }
  }
}

/** Unique id → the Maildir file names that hold it, for every file in new/ and cur/. */
async function deliveredByUid(dataDir: string): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (const sub of ["new", "cur"]) {
    const dir = join(dataDir, "maildir", sub);
    for await (const entry of Deno.readDir(dir)) {
      const text = await Deno.readTextFile(join(dir, entry.name));
      const uid = MESSAGE_ID.exec(text)?.[1];
      if (!uid) throw new Error(`${entry.name} holds no test message:\n${text.slice(0, 500)}`);
      if (!text.endsWith(`end of ${uid}\r\n`)) throw new Error(`${entry.name} is not whole`);
      found.set(uid, [...(found.get(uid) ?? []), entry.name]);
    }
  }
  return found;
}

async function segmentsIn(dataDir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(join(dataDir, "spool"))) {
    if (segmentNumber(entry.name) !== undefined) names.push(entry.name);
  }
  return names.sort();
}

Deno.test({
  name: "crash: SIGKILL at random moments loses no acknowledged message, delivers none twice",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const seed = Number(Deno.env.get("CRASH_SEED") ?? Math.floor(Math.random() * 2 ** 31));
    const random = seeded(seed);
    const dataDir = await Deno.makeTempDir({ prefix: "postie-crash-" });
    const port = freeLoopbackPort();
    const ledger: Ledger = {
      attempted: new Set(),
      acknowledged: new Map(),
      refused: 0,
      reconnects: 0,
    };
    let stopped = false;
    let serve = await startServe({ dataDir, port });
    const outputs: string[] = [];
    const clients = Array.from(
      { length: CLIENTS },
      (_, i) => sendUntil(i, () => port, () => stopped, ledger),
    );
    try {
      const acknowledgedAtKill: number[] = [];
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const [min, max] = KILL_AFTER_MS;
        await sleep(min + random() * (max - min));
        await serve.kill();
        acknowledgedAtKill.push(ledger.acknowledged.size);
        outputs.push(serve.output());
        serve = await restart(dataDir, port);
      }
      // A last stretch against a server that is not killed, then the clients stop.
      await sleep(300);
      stopped = true;
      await Promise.all(clients);
      ok(
        ledger.acknowledged.size > CYCLES * 5,
        `too few messages acknowledged to mean anything: ${ledger.acknowledged.size}`,
      );
      // Every acknowledged message arrives: from this server, or recovered from the spool.
      const deadline = Date.now() + 20_000;
      let delivered = await deliveredByUid(dataDir);
      while ([...ledger.acknowledged.keys()].some((uid) => !delivered.has(uid))) {
        if (Date.now() > deadline) break;
        await sleep(50);
        delivered = await deliveredByUid(dataDir);
      }
      equal(await serve.stop(), 0, `clean stop; output:\n${serve.output()}`);
      outputs.push(serve.output());
      delivered = await deliveredByUid(dataDir);

      const context = () =>
        `seed ${seed}; ${ledger.acknowledged.size} acknowledged of ${ledger.attempted.size} ` +
        `tried, ${delivered.size} delivered; acknowledged at each kill: ${acknowledgedAtKill}`;
      const missing = [...ledger.acknowledged.keys()].filter((uid) => !delivered.has(uid));
      equal(
        missing.length,
        0,
        `acknowledged but not delivered: ${missing.slice(0, 10)}; ${context()}`,
      );
      const twice = [...delivered].filter(([, names]) => names.length > 1);
      equal(
        twice.length,
        0,
        `delivered more than once: ${JSON.stringify(twice.slice(0, 5))}; ${context()}`,
      );
      for (const [uid, queueId] of ledger.acknowledged) {
        const [name] = delivered.get(uid)!;
        ok(
          name.includes(`Q${queueId}.`),
          `${uid}: acknowledged as ${queueId}, delivered as ${name}`,
        );
      }
      const strangers = [...delivered.keys()].filter((uid) => !ledger.attempted.has(uid));
      equal(strangers.length, 0, `delivered but never sent: ${strangers}`);
      // Idle after a clean stop: every spooled message is delivered, so no segment remains.
      const segments = await segmentsIn(dataDir);
      equal(segments.length, 0, `segments left: ${segments}; ${context()}`);
      console.log(
        `crash test: ${CYCLES} kills, ${ledger.attempted.size} messages tried, ` +
          `${ledger.acknowledged.size} acknowledged, ${delivered.size} delivered ` +
          `(${delivered.size - ledger.acknowledged.size} unacknowledged ones too), ` +
          `${ledger.refused} refused, ${ledger.reconnects} connections; seed ${seed}`,
      );
      await Deno.remove(dataDir, { recursive: true });
    } catch (error) {
      console.error(
        `seed ${seed}; data dir kept: ${dataDir}\n${outputs.join("\n----\n").slice(-4000)}`,
      );
      throw error;
    } finally {
      stopped = true;
      await serve.kill();
      await Promise.all(clients);
    }
  },
});
