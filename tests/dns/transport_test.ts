import { equal, ok as assert, rejects } from "node:assert/strict";
import {
  DnsTimeoutError,
  DnsTransport,
  MAX_IN_FLIGHT,
  RecordType,
  RESEND_MS,
} from "../../lib/dns/mod.ts";
import { startFakeDns } from "./fake_server.ts";

const A = RecordType.A;

Deno.test("500 questions at once, answered out of order: each gets its own answer", async () => {
  const address = (i: number) => `10.${i >> 8}.${i & 255}.1`;
  const dns = await startFakeDns((name) => ({
    a: address(Number(name.slice(1, name.indexOf(".")))),
    delayMs: Math.random() * 20,
  }));
  const transport = new DnsTransport();
  try {
    const answers = await Promise.all(
      Array.from(
        { length: 500 },
        (_, i) => transport.query(dns.nameServer, `q${i}.test`, A, { timeoutMs: 5000 }),
      ),
    );
    answers.forEach((answer, i) => {
      equal(answer.question?.name, `q${i}.test`);
      equal(answer.answers[0].data, address(i));
    });
  } finally {
    transport.close();
    dns.close();
  }
});

Deno.test("a lost datagram is sent again after RESEND_MS", async () => {
  let first = true;
  const dns = await startFakeDns(() => first ? (first = false, "silent") : { a: "192.0.2.1" });
  const transport = new DnsTransport();
  try {
    const started = performance.now();
    const answer = await transport.query(dns.nameServer, "lost.test", A, { timeoutMs: 5000 });
    equal(answer.answers[0].data, "192.0.2.1");
    equal(dns.received.get(`lost.test ${A}`), 2);
    assert(performance.now() - started >= RESEND_MS - 10);
  } finally {
    transport.close();
    dns.close();
  }
});

Deno.test("no answer: DnsTimeoutError once the time limit is up, not before", async () => {
  const dns = await startFakeDns(() => "silent");
  const transport = new DnsTransport();
  try {
    const started = performance.now();
    await rejects(
      transport.query(dns.nameServer, "silent.test", A, { timeoutMs: 200 }),
      (error) => error instanceof DnsTimeoutError && /in 200 ms/.test(error.message),
    );
    const elapsed = performance.now() - started;
    assert(elapsed >= 195 && elapsed < 1000, `${elapsed} ms`);
  } finally {
    transport.close();
    dns.close();
  }
});

Deno.test("the caller's signal ends a query early", async () => {
  const dns = await startFakeDns(() => "silent");
  const transport = new DnsTransport();
  try {
    const signal = AbortSignal.timeout(50);
    await rejects(
      transport.query(dns.nameServer, "aborted.test", A, { timeoutMs: 5000, signal }),
      (error) => (error as Error).name === "TimeoutError",
    );
  } finally {
    transport.close();
    dns.close();
  }
});

Deno.test("a truncated UDP answer is asked again over TCP (RFC 7766 §5)", async () => {
  const dns = await startFakeDns((_name, _type, tcp) =>
    tcp ? { a: "192.0.2.53" } : { truncated: true }
  );
  const transport = new DnsTransport();
  try {
    const answer = await transport.query(dns.nameServer, "big.test", A, { timeoutMs: 2000 });
    equal(answer.answers[0].data, "192.0.2.53");
    equal(dns.received.get(`big.test ${A}`), 1);
    equal(dns.received.get(`big.test ${A} tcp`), 1);
  } finally {
    transport.close();
    dns.close();
  }
});

Deno.test("questions waiting their turn share the time limit, and are not sent late", async () => {
  const dns = await startFakeDns(() => "silent");
  const transport = new DnsTransport();
  try {
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      Array.from(
        { length: 200 },
        (_, i) => transport.query(dns.nameServer, `w${i}.test`, A, { timeoutMs: 300 }),
      ),
    );
    const elapsed = performance.now() - started;
    assert(outcomes.every((o) => o.status === "rejected" && o.reason instanceof DnsTimeoutError));
    assert(elapsed < 700, `${elapsed} ms, not one time limit per ${MAX_IN_FLIGHT} questions`);
    equal([...dns.received.values()].reduce((sum, n) => sum + n, 0), MAX_IN_FLIGHT);
  } finally {
    transport.close();
    dns.close();
  }
});
