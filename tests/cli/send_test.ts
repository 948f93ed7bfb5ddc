import { deepEqual, equal, match, ok } from "node:assert/strict";
import { LineReader, readChunk, readerSource } from "../../lib/wire/mod.ts";
import { runPostie } from "./run_postie.ts";

const decoder = new TextDecoder();

function postie(args: string[], stdin?: Uint8Array) {
  return runPostie(["send", ...args], { stdin });
}

/** Replies by command verb: a reply text (CRLF between lines) or a function of the line. */
type Script = Record<string, string | ((line: string) => string | undefined)>;

/**
 * A one-connection SMTP server answering each command verb with a scripted reply (default:
 * 250; 354 to DATA; 221 to QUIT, then it hangs up). The reply after the content (DATA's dot
 * or BDAT LAST) is the script's "." (default 250 with a queue id; "" hangs up after the
 * first content line). It records the command lines and content lines it got.
 */
function scriptedServer(script: Script, greeting = "220 fake.test ESMTP") {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const commands: string[] = [];
  const content: string[] = [];
  const served = (async () => {
    const conn = await listener.accept();
    listener.close();
    const reader = new LineReader(readerSource(conn), { maxLineLength: 1000 });
    const say = (text: string) => conn.write(new TextEncoder().encode(`${text}\r\n`));
    await say(greeting);
    if (greeting.startsWith("421")) return conn.close();
    for (let line = await reader.readLine(); line !== null; line = await reader.readLine()) {
      const text = decoder.decode(line.bytes);
      commands.push(text);
      const verb = text.split(" ")[0].toUpperCase();
      const scripted = script[verb];
      const answer = (typeof scripted === "function" ? scripted(text) : scripted) ??
        { DATA: "354 go ahead", QUIT: "221 bye" }[verb] ?? "250 ok";
      const end = script["."] ?? "250 2.0.0 Ok: queued as Q123";
      if (verb === "DATA" && answer.startsWith("354")) {
        await say(answer);
        for (let data = await reader.readLine(); data !== null; data = await reader.readLine()) {
          const text = decoder.decode(data.bytes);
          if (text === "." || end === "") break;
          content.push(text);
        }
        if (end === "") break;
        await say(end as string);
        continue;
      }
      if (verb === "BDAT") { // RFC 3030 §2: exactly the octets the command announced
        const octets: Uint8Array[] = [];
        for await (const piece of readChunk(reader, Number(text.split(" ")[1]))) {
          octets.push(piece.slice());
        }
        content.push(...decoder.decode(concat(octets)).split("\r\n"));
        await say(text.endsWith(" LAST") ? end as string : "250 2.0.0 chunk ok");
        continue;
      }
      if (answer !== "") await say(answer);
      if (verb === "QUIT" || answer === "") break; // "" hangs up without a reply
    }
    conn.close();
  })();
  return { port: (listener.addr as Deno.NetAddr).port, commands, content, served };
}

function concat(pieces: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  pieces.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
  return bytes;
}

const ENVELOPE = ["--from", "a@x.test", "--to", "b@y.test", "--body", "hi"];

Deno.test("usage errors exit 64: no recipient, --data with --subject, stdin to several MXs", async () => {
  const stdinToMany = await postie([
    ...["--envelope-from", "a@x.test", "--to", "b@y.test", "--to", "c@z.test", "--data", "-"],
  ]);
  equal(stdinToMany.code, 64);
  match(stdinToMany.stderr, /several domains need --server/);
  equal((await postie(["--server", ":1", "--from", "a@x.test", "--body", "x"])).code, 64);
  const both = await postie([
    "--server",
    ":1",
    ...ENVELOPE.slice(0, 4),
    "--data",
    "m",
    "--subject",
    "s",
  ]);
  equal(both.code, 64);
  equal(
    (await postie(["--server", ":1", "--from", "not an address", "--to", "b@y.test"])).code,
    64,
  );
});

Deno.test("--help names the MX default and shows examples", async () => {
  const { code, stdout } = await postie(["--help"]);
  equal(code, 0);
  match(
    stdout,
    /--server <host\[:port\]>\s+SMTP server \(port 25, or 465 with --tls, if none\);\s+default/,
  );
  match(stdout, /Examples:\n {2}postie send/);
  for (
    const flag of ["--starttls [mode]", "--tls", "--ca <file>", "--auth [mechanism]", "--lmtp"]
  ) {
    ok(stdout.includes(flag), flag);
  }
});

Deno.test("a missing --data file exits 66, an empty one 65, a non-UTF-8 --body-file 65", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/empty.eml`, new Uint8Array());
    await Deno.writeFile(`${dir}/latin1.txt`, Uint8Array.of(0x63, 0x61, 0x66, 0xe9));
    const base = ["--server", ":1", "--envelope-from", "a@x.test", "--to", "b@y.test"];
    equal((await postie([...base, "--data", `${dir}/missing.eml`])).code, 66);
    equal((await postie([...base, "--data", `${dir}/empty.eml`])).code, 65);
    equal(
      (await postie([...base, "--from", "a@x.test", "--body-file", `${dir}/latin1.txt`])).code,
      65,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a refused connection exits 75 with the reason", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  const { code, stderr } = await postie(["--server", `127.0.0.1:${port}`, ...ENVELOPE]);
  equal(code, 75);
  match(stderr, /cannot connect to 127\.0\.0\.1:\d+/);
});

Deno.test("421 at the greeting exits 75 without QUIT", async () => {
  const server = scriptedServer({}, "421 4.3.2 fake.test closing");
  const { code, stdout } = await postie(["--server", `:${server.port}`, ...ENVELOPE, "--json"]);
  await server.served;
  equal(code, 75);
  const result = JSON.parse(stdout);
  deepEqual([result.failure.stage, result.greeting.code, result.exitCode], ["banner", 421, 75]);
  deepEqual(server.commands, []);
});

Deno.test("550 to one RCPT exits 69; the other recipient's reply and the queue id are kept", async () => {
  const server = scriptedServer({
    EHLO: "250-fake.test\r\n250-PIPELINING\r\n250 SIZE 10000",
    RCPT: (line) => line.includes("bad@") ? "550 5.1.1 no such user" : undefined,
  });
  const args = ["--server", `127.0.0.1:${server.port}`, ...ENVELOPE, "--to", "bad@y.test"];
  const { code, stdout } = await postie([...args, "--json"]);
  await server.served;
  equal(code, 69);
  const result = JSON.parse(stdout);
  deepEqual(
    result.recipients.map((
      r: { address: string; reply: { code: number } },
    ) => [r.address, r.reply.code]),
    [["b@y.test", 250], ["bad@y.test", 550]],
  );
  deepEqual([result.finalReply.code, result.queueId, result.capabilities.size], [
    250,
    "Q123",
    10000,
  ]);
  equal(result.recipients[1].reply.enhanced, "5.1.1");
  ok(result.timings.connect >= 0 && result.timings.total >= result.timings.connect);
  match(server.commands[1], /^MAIL FROM:<a@x\.test> SIZE=\d+$/);
});

Deno.test("-v prints a swaks-like transcript; EHLO refused falls back to HELO; --quit-after", async () => {
  const server = scriptedServer({ EHLO: "502 5.5.2 no EHLO here" });
  const args = ["--server", `:${server.port}`, ...ENVELOPE, "--helo", "me.test", "-v", "--timing"];
  const { code, stdout } = await postie([...args, "--quit-after", "rcpt"]);
  await server.served;
  equal(code, 0);
  deepEqual(server.commands, [
    "EHLO me.test",
    "HELO me.test",
    "MAIL FROM:<a@x.test>",
    "RCPT TO:<b@y.test>",
    "QUIT",
  ]);
  match(stdout, /^\[ +\d+\.\d ms\] === connected to 127\.0\.0\.1:\d+$/m);
  match(stdout, /\] <- {2}220 fake\.test ESMTP$/m);
  match(stdout, /\] {2}-> HELO me\.test$/m);
  match(stdout, /stopped after rcpt as asked/);
});

Deno.test("--data - streams stdin, dot-stuffed on the wire", async () => {
  const server = scriptedServer({});
  const message = new TextEncoder().encode("Subject: s\n\n.dot\nend\n");
  const args = ["--server", `:${server.port}`, "--envelope-from", "", "--to", "b@y.test"];
  const { code, stderr } = await postie([...args, "--data", "-"], message);
  await server.served;
  equal(code, 0, stderr);
  equal(server.commands[1], "MAIL FROM:<>");
  deepEqual(server.content, ["Subject: s", "", "..dot", "end"]);
});

Deno.test("a server that hangs up mid-session exits 75; one that stalls, 75 after --timeout", async () => {
  const hangUp = scriptedServer({ MAIL: "" });
  const closed = await postie(["--server", `:${hangUp.port}`, ...ENVELOPE]);
  await hangUp.served;
  equal(closed.code, 75);
  match(closed.stderr, /closed the connection \(waiting: mail\)/);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const port = (listener.addr as Deno.NetAddr).port;
  const stalled = await postie(["--server", `:${port}`, ...ENVELOPE, "--timeout", "300ms"]);
  (await accepted).close();
  listener.close();
  equal(stalled.code, 75);
  match(stalled.stderr, /no progress in 300 ms/);
});

/** Runs postie send against a scripted server; its exit code, output, and what the server got. */
async function against(script: Script, args: string[] = [], greeting?: string) {
  const server = scriptedServer(script, greeting);
  const result = await postie(["--server", `127.0.0.1:${server.port}`, ...ENVELOPE, ...args]);
  await server.served;
  return { ...result, commands: server.commands, content: server.content };
}

const EHLO_ALL = "250-fake.test\r\n250-STARTTLS\r\n250-AUTH PLAIN\r\n250 DSN";

Deno.test("a 4xx at each stage exits 75, a 5xx 69, and QUIT follows", async () => {
  const cases: [string, Script, string[], number, string?][] = [
    ["banner 554", {}, [], 69, "554 5.3.2 go away"],
    ["banner 450", {}, [], 75, "450 4.3.2 busy"],
    ["ehlo 451", { EHLO: "451 4.3.0 later" }, [], 75],
    ["helo 550", { EHLO: "500 no", HELO: "550 5.7.1 no" }, [], 69],
    ["starttls 454", { EHLO: EHLO_ALL, STARTTLS: "454 4.7.0 no TLS now" }, ["--starttls"], 75],
    ["auth 535", { EHLO: EHLO_ALL, AUTH: "535 5.7.8 bad" }, ["--auth-user", "u"], 69],
    ["auth 454", { EHLO: EHLO_ALL, AUTH: "454 4.7.0 later" }, ["--auth-user", "u"], 75],
    ["mail 451", { MAIL: "451 4.3.0 later" }, [], 75],
    ["mail 550", { MAIL: "550 5.7.1 not you" }, [], 69],
    ["rcpt 450", { RCPT: "450 4.2.0 greylisted" }, [], 75],
    ["data 554", { DATA: "554 5.5.1 no" }, [], 69],
    ["content 452", { ".": "452 4.3.1 full" }, [], 75],
    ["content 552", { ".": "552 5.3.4 too big" }, [], 69],
  ];
  for (const [name, script, args, exit, greeting] of cases) {
    const result = await against(script, [...args, "--auth-password", "p", "--json"], greeting);
    equal(result.code, exit, `${name}: ${result.stderr}`);
    const json = JSON.parse(result.stdout);
    equal(json.failure.stage, name.split(" ")[0], name);
    equal(result.commands.at(-1), "QUIT", name);
  }
});

Deno.test("a server that hangs up mid-DATA exits 75", async () => {
  const result = await against({ ".": "" });
  equal(result.code, 75);
  // The server's close shows as a failed write or as the end of input, whichever comes first.
  match(
    result.stderr,
    /connection broke \(at content\)|closed the connection \(waiting: content\)/,
  );
});

Deno.test("CHUNKING: the message goes as BDAT n LAST; --no-chunking sends DATA", async () => {
  const EHLO = "250-fake.test\r\n250-PIPELINING\r\n250 CHUNKING";
  const bdat = await against({ EHLO }, ["--subject", "s", "-v"]);
  equal(bdat.code, 0, bdat.stderr);
  match(bdat.commands[3], /^BDAT \d+ LAST$/);
  ok(bdat.content.includes("Subject: s") && bdat.content.includes("hi"));
  match(bdat.stdout, /^ -> BDAT \d+ LAST$/m);
  const data = await against({ EHLO }, ["--no-chunking"]);
  equal(data.code, 0, data.stderr);
  ok(data.commands.includes("DATA"));
  ok(!data.commands.some((c) => c.startsWith("BDAT")));
});

Deno.test("CHUNKING: a --data file with LF line ends goes out as CRLF lines, as over DATA", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/lf.eml`, "Subject: lf\n\n.first\nsecond\rthird\n");
  const server = scriptedServer({ EHLO: "250-fake.test\r\n250 CHUNKING" });
  const result = await postie([
    ...["--server", `127.0.0.1:${server.port}`, "--envelope-from", "a@x.test"],
    ...["--to", "b@y.test", "--data", `${dir}/lf.eml`],
  ]);
  await server.served;
  equal(result.code, 0, result.stderr);
  match(server.commands.find((c) => c.startsWith("BDAT"))!, /^BDAT 38 LAST$/);
  deepEqual(server.content, ["Subject: lf", "", ".first", "second", "third", ""]);
});

Deno.test("LMTP: one reply per recipient after the data; one refused exits 75", async () => {
  const result = await against(
    { LHLO: "250 fake.test", ".": "250 2.1.5 b delivered\r\n452 4.2.2 c over quota" },
    ["--lmtp", "--to", "c@y.test", "--json"],
  );
  equal(result.code, 75, result.stderr);
  match(result.commands[0], /^LHLO \S+$/);
  const json = JSON.parse(result.stdout);
  deepEqual(
    json.recipients.map((r: { deliveryReply: { code: number } }) => r.deliveryReply.code),
    [250, 452],
  );
  equal(result.commands.at(-1), "QUIT");
});

Deno.test("SIZE: a message over the server's limit is not sent, exit 69 with the reason", async () => {
  const result = await against({ EHLO: "250-fake.test\r\n250 SIZE 10" });
  equal(result.code, 69);
  match(result.stderr, /exceeds the server's SIZE 10/);
  deepEqual(result.commands.slice(1), ["QUIT"]);
});

Deno.test("DSN parameters go only to a server that offers DSN (RFC 3461 §4)", async () => {
  const dsn = ["--notify", "failure,delay", "--ret", "HDRS", "--envid", "e+1"];
  const offered = await against({ EHLO: "250-fake.test\r\n250 DSN" }, dsn);
  equal(offered.code, 0, offered.stderr);
  match(offered.commands[1], /^MAIL FROM:<a@x\.test> RET=HDRS ENVID=e\+2B1$/);
  equal(offered.commands[2], "RCPT TO:<b@y.test> NOTIFY=FAILURE,DELAY ORCPT=rfc822;b@y.test");
  const plain = await against({}, dsn);
  deepEqual(plain.commands.slice(1, 3), ["MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>"]);
  equal((await postie(["--server", ":1", ...ENVELOPE, "--notify", "never,success"])).code, 64);
});

Deno.test("protocol flag misuse exits 64; a missing --ca file 66", async () => {
  const base = ["--server", ":1", ...ENVELOPE];
  for (
    const args of [
      ["--starttls=sometimes"],
      ["--tls", "--starttls"],
      ["--auth", "NTLM", "--auth-user", "u", "--auth-password", "p"],
      ["--auth"],
      ["--auth-user", "u"], // no password: none given, no POSTIE_PASSWORD, no terminal
      ["--ret", "ALL"],
    ]
  ) {
    const { code, stderr } = await postie([...base, ...args]);
    equal(code, 64, `${args.join(" ")}: ${stderr}`);
  }
  const missing = await postie([...base, "--starttls", "--ca", "/nonexistent/ca.pem"]);
  equal(missing.code, 66);
  match(missing.stderr, /--ca: cannot read/);
});
