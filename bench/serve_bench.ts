/**
 * `postie serve` against Postfix's smtp-sink (writes nothing) and a private Postfix (fsynced
 * queue file per message), on the same load in one run: Postfix's smtp-source, 20 sessions, one
 * message per connection, 2 kB and 100 kB messages. Then postie's peak RSS over 20,000 messages
 * with 1,000 idle connections held open.
 *
 * Run: `deno run -A bench/serve_bench.ts [--rounds 3] [--messages 5000] [--record]`
 */
import { parseArgs } from "node:util";
import { startPostfix, startSmtpSink } from "../tests/peers.ts";
import { startServe } from "../tests/e2e/serve_process.ts";
import { appendResults, median, peakRssKiB, printTable, type Row } from "./harness.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    messages: { type: "string", default: "5000" },
    "big-messages": { type: "string", default: "1500" },
    "rss-messages": { type: "string", default: "20000" },
    "idle-connections": { type: "string", default: "1000" },
    record: { type: "boolean", default: false },
  },
});
const rounds = Number(values.rounds);
const SESSIONS = 20;

interface Target {
  name: string;
  port: number;
  stop(): Promise<unknown>;
}

/** Runs smtp-source once and returns messages per second. */
async function smtpSource(port: number, messages: number, size: number): Promise<number> {
  const started = performance.now();
  const { success, stderr } = await new Deno.Command("smtp-source", {
    args: [
      "-m",
      String(messages),
      "-s",
      String(SESSIONS),
      "-l",
      String(size),
      "-f",
      "bench@client.test",
      "-t",
      "bench@postie.test",
      `127.0.0.1:${port}`,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) throw new Error(`smtp-source failed: ${new TextDecoder().decode(stderr)}`);
  return messages / ((performance.now() - started) / 1000);
}

async function measureLoad(targets: Target[], messages: number, size: number): Promise<Row[]> {
  const rates = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  await smtpSource(targets[0].port, 200, size); // warm up the machine's page cache
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      await smtpSource(target.port, 100, size); // warm-up per target (JIT, Postfix processes)
      await machineQuiet();
      rates.get(target.name)!.push(await smtpSource(target.port, messages, size));
    }
  }
  return targets.map((t) => ({ name: t.name, value: median(rates.get(t.name)!), unit: "msg/s" }));
}

/**
 * Waits (at most 30 s) until the machine's CPUs are at least 90% idle over 200 ms: every
 * contender finishes work it deferred (Postfix's queue manager discarding, postie's Maildir
 * deliveries) before the next measured run, which would otherwise pay for it.
 */
async function machineQuiet(): Promise<void> {
  const busyAndTotal = async () => {
    const fields = (await Deno.readTextFile("/proc/stat")).split("\n")[0].trim().split(/\s+/)
      .slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    return { idle: fields[3] + fields[4], total }; // idle + iowait
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const before = await busyAndTotal();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await busyAndTotal();
    if ((after.idle - before.idle) / Math.max(1, after.total - before.total) >= 0.9) return;
  }
}

/** Holds `count` connections open after their greeting; returns a closer. */
async function holdIdleConnections(port: number, count: number): Promise<() => void> {
  const conns: Deno.Conn[] = [];
  const buffer = new Uint8Array(512);
  for (let i = 0; i < count; i++) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.read(buffer);
    conns.push(conn);
  }
  return () => conns.forEach((c) => c.close());
}

/**
 * A directory whose subdirectories ext4 spreads over block groups as it does top-level ones
 * (`chattr +T`, the Orlov allocator's "top of a hierarchy"), so each contender's files sit in a
 * group of their own. On this journal-less ext4 every inode freed in the last minutes slows each
 * file creation in its group (fs/ext4/ialloc.c, recently_deleted()): Postfix deletes a queue file
 * per message, and in a shared group that would slow the next contender's Maildir instead of
 * only Postfix itself.
 */
async function spreadDirectory(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "postie-bench-" });
  await Deno.chmod(root, 0o755); // Postfix's daemons must get in
  const chattr = await new Deno.Command("chattr", { args: ["+T", root], stderr: "null" })
    .output().catch(() => ({ success: false }));
  if (!chattr.success) console.log(`note: chattr +T ${root} failed; contenders share a group`);
  return root;
}

const benchRoot = await spreadDirectory();
const postie = await startServe({
  args: ["--log-format", "json"],
  dataDir: await Deno.makeTempDir({ dir: benchRoot, prefix: "postie-" }),
});
const sink = await startSmtpSink();
const postfix = await startPostfix({ parentDir: benchRoot });
const targets: Target[] = [
  { name: "smtp-sink (writes nothing)", port: sink.port, stop: () => sink.stop() },
  { name: "Postfix (private instance)", port: postfix.port, stop: () => postfix.stop() },
  { name: "postie serve", port: postie.port, stop: () => postie.stop() },
];
const sections: string[] = [];
try {
  for (
    const [label, size, messages] of [
      ["2 kB messages", 2000, Number(values.messages)],
      ["100 kB messages", 100_000, Number(values["big-messages"])],
    ] as const
  ) {
    const rows = await measureLoad(targets, messages, size);
    const table = printTable(
      `smtp-source -s ${SESSIONS} -l ${size} -m ${messages}, median of ${rounds}: ${label}`,
      rows,
      "Postfix (private instance)",
    );
    const [sinkRate, postfixRate, postieRate] = rows.map((r) => r.value);
    sections.push(
      table +
        `\npostie/Postfix ${(postieRate / postfixRate).toFixed(2)}×, ` +
        `postie/smtp-sink ${(postieRate / sinkRate).toFixed(2)}×\n`,
    );
  }
} finally {
  for (const target of targets) await target.stop();
}
// A fresh process, alone on the machine (the others stopped, the first postie's backlog no
// longer delivered beside it), so the peak is this load's only.
const fresh = await startServe({
  args: ["--log-format", "json"],
  dataDir: await Deno.makeTempDir({ dir: benchRoot, prefix: "postie-rss-" }),
});
const idle = Number(values["idle-connections"]);
const close = await holdIdleConnections(fresh.port, idle);
await smtpSource(fresh.port, Number(values["rss-messages"]), 2000);
const rss = await peakRssKiB(fresh.process.pid);
close();
await fresh.stop();
const rssLine = `postie peak RSS after ${
  values["rss-messages"]
} messages with ${idle} idle connections: ${(rss / 1024).toFixed(0)} MiB`;
console.log(rssLine);
sections.push(rssLine + "\n");
if (values.record) {
  await appendResults("serve: smtp-source against postie, smtp-sink, Postfix", sections.join("\n"));
}
await Deno.remove(benchRoot, { recursive: true }).catch(() => {});
