/**
 * `postie send`'s MIME composition against independent readers: messages written with --dump
 * parsed back by Python's `email` package and by mblaze's `mshow` (structure, file names,
 * the exact octets of every attachment); a 200 MB attachment streamed with flat memory; a
 * composed message sent to aiosmtpd.
 */

import { deepEqual, equal, ok } from "node:assert/strict";
import { createHash } from "node:crypto";
import { base64EncodedLength } from "../../lib/message/mod.ts";
import { POSTIE_MAIN, runPostie } from "../cli/run_postie.ts";
import { peerPath, peerTest, readSavedMessages, startAiosmtpd } from "../peers.ts";

const utf8 = new TextEncoder();

/** What Python's email package (policy.default) reads in a message, part by part. */
const PYTHON_PARTS = `
import email, hashlib, json, sys
from email import policy
message = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
parts = []
for part in message.walk():
    payload = None if part.is_multipart() else part.get_payload(decode=True)
    parts.append({
        "type": part.get_content_type(),
        "filename": part.get_filename(),
        "cid": part.get("Content-ID"),
        "sha256": None if payload is None else hashlib.sha256(payload).hexdigest(),
        "text": part.get_content() if part.get_content_maintype() == "text" else None,
        "defects": [type(d).__name__ for d in part.defects],
    })
print(json.dumps({"subject": message["subject"], "from": message["from"], "parts": parts}))
`;

interface PythonPart {
  type: string;
  filename: string | null;
  cid: string | null;
  sha256: string | null;
  text: string | null;
  defects: string[];
}

async function pythonParts(
  file: string,
): Promise<{ subject: string; from: string; parts: PythonPart[] }> {
  const output = await new Deno.Command(peerPath("python3")!, {
    args: ["-c", PYTHON_PARTS, file],
  }).output();
  equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** Runs mshow with `args` (MBLAZE pointed at an empty profile); its stdout as octets. */
async function mshow(args: string[], profile: string): Promise<Uint8Array> {
  const output = await new Deno.Command(peerPath("mshow")!, {
    args,
    env: { MBLAZE: profile },
  }).output();
  equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return output.stdout;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Octets that are not the same from one position to the next, all 256 values included. */
function binary(size: number, seed: number): Uint8Array {
  return new Uint8Array(size).map((_, i) => (i * 2654435761 + seed) >>> 13 & 255);
}

/** The files of the rich message: names a reader must get back, octets it must decode. */
const FILES: Record<string, Uint8Array> = {
  "logo.png": Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, ...binary(3000, 1)),
  "report.pdf": binary(200_003, 2),
  "Grüße aus Köln.txt": utf8.encode("Grüße\nno final newline"),
  [`${"Ünïcödé ".repeat(12).trim()}.bin`]: binary(57 * 3, 3),
  'my "quoted" file; x.csv': utf8.encode("a,b\r\n1,2\r\n"),
  "empty.dat": new Uint8Array(0),
};

peerTest("--dump: Python's email and mshow read the same structure, names and octets", [
  "python3",
  "mshow",
], async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, bytes] of Object.entries(FILES)) {
      await Deno.writeFile(`${dir}/${name}`, bytes);
    }
    await Deno.writeTextFile(`${dir}/page.html`, '<p>Grüße <img src="cid:logo.png"></p>');
    const attach = Object.keys(FILES).filter((name) => name !== "logo.png");
    const result = await runPostie([
      "send",
      ...["--from", "Zoë Sender <a@x.test>", "--to", "b@y.test"],
      ...["--subject", "Grüße — a report with files", "--header", "X-Mailer: postie test"],
      ...["--html", `${dir}/page.html`, "--inline", `${dir}/logo.png`],
      ...attach.flatMap((name, i) => [
        // RFC 2046 types by extension; --attach-type applies to the --attach options after it.
        ...(i === attach.length - 1 ? ["--attach-type", "text/x-custom"] : []),
        "--attach",
        `${dir}/${name}`,
      ]),
      "--dump",
    ]);
    equal(result.code, 0, result.stderr);
    const file = `${dir}/message.eml`;
    await Deno.writeTextFile(file, result.stdout);
    const python = await pythonParts(file);
    equal(python.subject, "Grüße — a report with files");
    equal(python.from, "Zoë Sender <a@x.test>");
    deepEqual(python.parts.map((p) => [p.type, p.filename]), [
      ["multipart/mixed", null],
      ["multipart/alternative", null],
      ["text/plain", null],
      ["multipart/related", null],
      ["text/html", null],
      ["image/png", "logo.png"],
      ["application/pdf", "report.pdf"],
      ["text/plain", attach[1]],
      ["application/octet-stream", attach[2]],
      ["text/csv", attach[3]],
      ["text/x-custom", "empty.dat"],
    ]);
    deepEqual(python.parts.flatMap((p) => p.defects), []);
    equal(python.parts[2].text, "Grüße\r\n", "derived from the HTML; base64 keeps CRLF");
    equal(python.parts[5].cid, "<logo.png>");
    for (const part of python.parts.slice(5)) {
      equal(part.sha256, sha256(FILES[part.filename!]), part.filename!);
    }
    const tree = new TextDecoder().decode(await mshow(["-t", file], dir));
    const names = [...tree.matchAll(/^\s+(\d+): (\S+) size=(\d+)(?: name="(.*)")?$/gm)];
    deepEqual(
      names.map((m) => [m[2], m[4] ?? null]),
      python.parts.map((p) => [p.type, p.filename]),
    );
    for (const [, number, , size, name] of names.filter((m) => m[4] !== undefined)) {
      equal(Number(size), FILES[name].length, name);
      deepEqual(await mshow(["-O", file, number], dir), FILES[name], name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The peak resident set (VmHWM) of a running process in KiB, or 0 once it has exited. */
async function peakRss(pid: number): Promise<number> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

Deno.test("a 200 MB attachment streams through --dump with flat memory", async () => {
  const dir = await Deno.makeTempDir();
  const size = 200 * 1024 * 1024;
  try {
    const file = await Deno.open(`${dir}/big.bin`, { write: true, create: true });
    await file.truncate(size); // sparse: no disk space, still 200 MB to read and encode
    file.close();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", POSTIE_MAIN, "send", "--from", "a@x.test", "--body", "see attached"]
        .concat(["--attach", `${dir}/big.bin`, "--dump"]),
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    let peak = 0;
    const sampler = setInterval(async () => {
      peak = Math.max(peak, await peakRss(child.pid));
    }, 25);
    let octets = 0;
    for await (const chunk of child.stdout) octets += chunk.length;
    peak = Math.max(peak, await peakRss(child.pid));
    clearInterval(sampler);
    equal((await child.status).code, 0);
    ok(octets > base64EncodedLength(size), `${octets} octets written`);
    ok(peak > 0, "sampled");
    // Deno alone takes about 60 MiB; the file is 200 MiB and its base64 270 MiB.
    ok(peak < 150 * 1024, `peak RSS ${Math.round(peak / 1024)} MiB`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

peerTest("a composed message with attachments to aiosmtpd: SIZE exact, octets intact", [
  "aiosmtpd",
  "python3",
], async () => {
  const dir = await Deno.makeTempDir();
  const server = await startAiosmtpd({ saveDir: dir });
  try {
    const files = { "report.pdf": binary(300_001, 7), "Grüße.txt": utf8.encode("Grüße\n.dot\n") };
    for (const [name, bytes] of Object.entries(files)) {
      await Deno.writeFile(`${dir}/${name}`, bytes);
    }
    const result = await runPostie([
      "send",
      ...["--server", `127.0.0.1:${server.port}`, "--from", "a@x.test", "--to", "b@y.test"],
      ...["--subject", "files", "--body", ".a line with a leading dot\nbye"],
      ...Object.keys(files).flatMap((name) => ["--attach", `${dir}/${name}`]),
      "--json",
    ]);
    equal(result.code, 0, result.stderr);
    const [saved] = await readSavedMessages(dir);
    ok(saved.mailOptions.includes(`SIZE=${saved.content.length}`), saved.mailOptions.join(" "));
    await Deno.writeFile(`${dir}/saved.eml`, saved.content);
    const python = await pythonParts(`${dir}/saved.eml`);
    deepEqual(python.parts.map((p) => p.filename), [null, null, "report.pdf", "Grüße.txt"]);
    equal(python.parts[1].text, ".a line with a leading dot\nbye\n");
    for (const part of python.parts.slice(2)) {
      equal(part.sha256, sha256(files[part.filename as keyof typeof files]), part.filename!);
    }
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--dump: stdin as the text, --data with --add-header, typed errors' exit codes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const piped = await runPostie(
      ["send", "--from", "a@x.test", "--header", "Subject: from a header", "--dump"],
      { stdin: "piped text\n" },
    );
    equal(piped.code, 0, piped.stderr);
    ok(piped.stdout.includes("\r\nSubject: from a header\r\n"));
    ok(piped.stdout.endsWith("\r\n\r\npiped text\r\n"));
    await Deno.writeTextFile(`${dir}/m.eml`, "Subject: as is\r\n\r\nbody\r\n");
    const data = await runPostie([
      "send",
      ...["--data", `${dir}/m.eml`, "--add-header", "X-Added: yes", "--dump"],
    ]);
    equal(data.code, 0, data.stderr);
    equal(data.stdout, "X-Added: yes\r\nSubject: as is\r\n\r\nbody\r\n");
    const base = ["send", "--from", "a@x.test", "--body", "x", "--dump"];
    const missing = await runPostie([...base, "--attach", `${dir}/missing.pdf`]);
    deepEqual([missing.code, /cannot read .*missing\.pdf/.test(missing.stderr)], [66, true]);
    const noHtml = await runPostie([...base, "--inline", `${dir}/m.eml`]);
    deepEqual([noHtml.code, /need an HTML body/.test(noHtml.stderr)], [64, true]);
    equal((await runPostie([...base, "--header", "no colon"])).code, 64);
    equal((await runPostie([...base, "--add-header", "Bad Name: x"])).code, 64);
    equal((await runPostie([...base, "--header", "Content-Type: text/html"])).code, 64);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
