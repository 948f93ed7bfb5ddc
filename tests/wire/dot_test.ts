import assert from "node:assert/strict";
import fc from "fast-check";
import {
  CrlfStream,
  DotStuffer,
  DotStuffStream,
  DotUnstuffer,
  DotUnstuffStream,
} from "../../lib/wire/dot.ts";
import { UnexpectedEofError, WireError } from "../../lib/wire/errors.ts";
import { concatBytes } from "../../lib/wire/bytes.ts";

/** Latin-1 view of bytes, so tests can use string operations on arbitrary octets. */
const str = (bytes: Uint8Array) => {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
};
const bin = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const join = (pieces: Uint8Array[]) => str(concatBytes([new Uint8Array(), ...pieces]));

interface Decoded {
  output: string;
  done: boolean;
  rest: string;
  bareNewlines: number;
}

/** Feeds chunks to a fresh DotUnstuffer; rest is everything after the end of data. */
function unstuff(chunks: Uint8Array[]): Decoded {
  const decoder = new DotUnstuffer();
  const out: Uint8Array[] = [];
  for (let k = 0; k < chunks.length; k++) {
    const { data, done, rest } = decoder.push(chunks[k]);
    out.push(...data);
    if (done) {
      assert.throws(() => decoder.push(new Uint8Array(1)), WireError);
      const after = join([rest, ...chunks.slice(k + 1)]);
      return { output: join(out), done, rest: after, bareNewlines: decoder.bareNewlines };
    }
    assert.equal(rest.length, 0);
  }
  assert.equal(decoder.bytesOut, out.reduce((n, p) => n + p.length, 0));
  return { output: join(out), done: false, rest: "", bareNewlines: decoder.bareNewlines };
}

/**
 * The RFC read as plainly as possible. End of data is the first `<CRLF>.<CRLF>`, the DATA
 * command's CRLF counting as the first CRLF (RFC 5321 §4.1.1.4). Before it, every line
 * ending (CRLF, else LF, else CR) is written as CRLF and a leading "." is dropped
 * (RFC 5321 §4.5.2). Without an end, a trailing CR is still undecided.
 */
function oracle(input: string): Decoded {
  const end = ("\r\n" + input).indexOf("\r\n.\r\n");
  const done = end !== -1;
  let body = done ? input.slice(0, end) : input;
  if (!done && body.endsWith("\r")) body = body.slice(0, -1);
  const endings = body.match(/\r\n|\r|\n/g) ?? [];
  const output = body.split(/\r\n|\r|\n/).map((line) => line.replace(/^\./, "")).join("\r\n");
  return {
    output,
    done,
    rest: done ? input.slice(end + 3) : "",
    bareNewlines: endings.filter((e) => e !== "\r\n").length,
  };
}

function stuff(chunks: Uint8Array[]): string {
  const encoder = new DotStuffer();
  const out: Uint8Array[] = [];
  for (const chunk of chunks) out.push(...encoder.push(chunk));
  out.push(encoder.end());
  assert.throws(() => encoder.end(), WireError);
  assert.throws(() => encoder.push(new Uint8Array(1)), WireError);
  return join(out);
}

/** Bare line endings as CRLF, and a CRLF at the end of non-empty content. */
function normalise(input: string): string {
  const text = input.replace(/\r\n|\r|\n/g, "\r\n");
  return text === "" || text.endsWith("\r\n") ? text : text + "\r\n";
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const sorted = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const cut of sorted) chunks.push(bytes.subarray(at, at = cut));
  chunks.push(bytes.subarray(at));
  return chunks;
}

const bytewise = (bytes: Uint8Array) => Array.from(bytes, (b) => Uint8Array.of(b));

/** Bytes biased toward the ones that matter here, with line endings and terminators mixed in. */
const bodyBytes = (maxLength: number) =>
  fc.array(
    fc.oneof(
      { arbitrary: fc.constantFrom("\r", "\n", ".", "a"), weight: 12 },
      { arbitrary: fc.constantFrom("\r\n", "\r\n.", ".\r\n", "\r\n.\r\n", "\n.\n"), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: 255 }).map((b) => String.fromCharCode(b)), weight: 1 },
    ),
    { maxLength: Math.ceil(maxLength / 2) },
  ).map((tokens) => bin(tokens.join("").slice(0, maxLength)));

Deno.test("DotUnstuffer: plain body, terminator and pipelined rest", () => {
  assert.deepEqual(unstuff([bin("Subject: x\r\n\r\nHi\r\n.\r\nQUIT\r\n")]), {
    output: "Subject: x\r\n\r\nHi\r\n",
    done: true,
    rest: "QUIT\r\n",
    bareNewlines: 0,
  });
  assert.deepEqual(unstuff([bin(".\r\n")]), { output: "", done: true, rest: "", bareNewlines: 0 });
});

Deno.test("DotUnstuffer: a leading dot is removed from every line", () => {
  assert.equal(unstuff([bin("..\r\n...x\r\na.b\r\n.\r\n")]).output, ".\r\n..x\r\na.b\r\n");
  assert.equal(unstuff([bin("a\n.b\r\n.\r\n")]).output, "a\r\nb\r\n");
});

Deno.test("DotUnstuffer: bare LF and bare CR become CRLF and are counted", () => {
  assert.deepEqual(unstuff([bin("a\nb\rc\r\r\n.\r\n")]), {
    output: "a\r\nb\r\nc\r\n\r\n",
    done: true,
    rest: "",
    bareNewlines: 3,
  });
});

Deno.test("DotUnstuffer: unchanged lines are views of the input", () => {
  const input = bin("line one\r\nline two\r\n");
  const { data } = new DotUnstuffer().push(input);
  assert.equal(data.length, 1);
  assert.equal(data[0].buffer, input.buffer);
  assert.equal(data[0].length, input.length);
});

Deno.test("DotUnstuffer: smuggling sequences do not end the data", () => {
  for (const seq of ["\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\r\n.\r", "\r\n.\r\r\n", "\r.\r"]) {
    const input = bin(`Subject: a\r\n\r\nhi${seq}MAIL FROM:<x@y>\r\nDATA\r\n.\r\nQUIT\r\n`);
    const all = unstuff([input]);
    assert.equal(all.done, true, JSON.stringify(seq));
    assert.equal(all.rest, "QUIT\r\n", JSON.stringify(seq));
    assert.match(all.output, /\r\nMAIL FROM:<x@y>\r\nDATA\r\n$/, JSON.stringify(seq));
    assert.deepEqual(unstuff(bytewise(input)), all);
  }
});

Deno.test("DotUnstuffer: holds back a CR and a dot across chunks", () => {
  const decoder = new DotUnstuffer();
  assert.equal(join(decoder.push(bin("a\r")).data), "a");
  assert.equal(join(decoder.push(bin("\n.")).data), "\r\n");
  assert.equal(join(decoder.push(bin("\r")).data), "");
  const last = decoder.push(bin("\nNOOP\r\n"));
  assert.equal(last.done, true);
  assert.equal(str(last.rest), "NOOP\r\n");
});

Deno.test("DotStuffer: doubles leading dots, normalises endings, ends the body", () => {
  assert.equal(stuff([bin(".a\n..b\rc\r\n.")]), "..a\r\n...b\r\nc\r\n..\r\n.\r\n");
  assert.equal(stuff([bin("x\r\n")]), "x\r\n.\r\n");
  assert.equal(stuff([bin("x")]), "x\r\n.\r\n");
  assert.equal(stuff([bin("x\r")]), "x\r\n.\r\n");
  assert.equal(stuff([]), ".\r\n");
  assert.equal(
    stuff([bin("a\r"), bin("\n"), bin("."), bin("b\r"), bin(".")]),
    "a\r\n..b\r\n..\r\n.\r\n",
  );
});

Deno.test("DotStuffer: content without changes passes as one view", () => {
  const input = bin("Hello\r\nworld\r\n");
  const pieces = new DotStuffer().push(input);
  assert.equal(pieces.length, 1);
  assert.equal(pieces[0].buffer, input.buffer);
});

Deno.test("DotUnstuffStream and DotStuffStream", async () => {
  const message = bin("Hi\n.dot\r\nbye");
  const body = ReadableStream.from([message.subarray(0, 4), message.subarray(4)])
    .pipeThrough(new DotStuffStream());
  const wire = join(await Array.fromAsync(body));
  assert.equal(wire, "Hi\r\n..dot\r\nbye\r\n.\r\n");
  const unstuffer = new DotUnstuffStream();
  const decoded = ReadableStream.from([bin(wire.replace("Hi\r\n", "Hi\n")), bin("ignored")])
    .pipeThrough(unstuffer);
  assert.equal(join(await Array.fromAsync(decoded)), "Hi\r\n.dot\r\nbye\r\n");
  assert.equal(unstuffer.bareNewlines, 1);
  assert.equal(unstuffer.bytesOut, 15);
});

Deno.test("DotUnstuffStream errors with UnexpectedEofError on a cut body", async () => {
  const decoded = ReadableStream.from([bin("Hi\r\n")]).pipeThrough(new DotUnstuffStream());
  await assert.rejects(Array.fromAsync(decoded), UnexpectedEofError);
});

Deno.test("property: the decoder is the RFC rule (oracle), whole and byte by byte", () => {
  fc.assert(
    fc.property(bodyBytes(100), (input) => {
      const expected = oracle(str(input));
      assert.deepEqual(unstuff([input]), expected);
      assert.deepEqual(unstuff(bytewise(input)), expected);
    }),
    { numRuns: 5000 },
  );
});

Deno.test("property: every two-way split and random multi-splits decode the same", () => {
  fc.assert(
    fc.property(bodyBytes(60), fc.array(fc.nat(), { maxLength: 8 }), (input, cuts) => {
      const expected = unstuff([input]);
      for (let cut = 0; cut <= input.length; cut++) {
        assert.deepEqual(unstuff(splitAt(input, [cut])), expected);
      }
      assert.deepEqual(unstuff(splitAt(input, cuts)), expected);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("property: smuggling sequences in random data never end the data early", () => {
  const seq = fc.constantFrom("\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\r\n.\r", "\r\n.\r\r\n");
  fc.assert(
    fc.property(
      bodyBytes(30),
      seq,
      bodyBytes(30),
      fc.array(fc.nat(), { maxLength: 4 }),
      (a, s, b, cuts) => {
        const prefix = str(a) + s + "MAIL FROM:<x@y>\r\n" + str(b);
        const input = bin(prefix + "\r\n.\r\nQUIT\r\n");
        const decoded = unstuff(splitAt(input, cuts));
        const real = ("\r\n" + str(input)).indexOf("\r\n.\r\n");
        assert.equal(decoded.done, true);
        assert.equal(decoded.rest, str(input).slice(real + 3));
        // Unless a and s happen to form a real <CRLF>.<CRLF>, the command stays message data.
        if (real === prefix.length) {
          assert.ok(decoded.output.includes("MAIL FROM:<x@y>\r\n"));
          assert.equal(decoded.rest, "QUIT\r\n");
        }
      },
    ),
    { numRuns: 3000 },
  );
});

Deno.test("property: unstuff(stuff(x)) is normalise(x), in any chunking", () => {
  fc.assert(
    fc.property(bodyBytes(80), fc.array(fc.nat(), { maxLength: 6 }), (x, cuts) => {
      const wire = stuff([x]);
      assert.equal(stuff(splitAt(x, cuts)), wire);
      assert.equal(stuff(bytewise(x)), wire);
      assert.doesNotMatch(wire.replace(/\r\n/g, ""), /[\r\n]/);
      assert.deepEqual(unstuff(splitAt(bin(wire), cuts)), {
        output: normalise(str(x)),
        done: true,
        rest: "",
        bareNewlines: 0,
      });
    }),
    { numRuns: 3000 },
  );
});

Deno.test("property: on normalised content unstuff(stuff(x)) is exactly x", () => {
  fc.assert(
    fc.property(bodyBytes(80), (raw) => {
      const x = normalise(str(raw));
      assert.equal(unstuff([bin(stuff([bin(x)]))]).output, x);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("property: CrlfStream makes every line ending CRLF and changes nothing else", async () => {
  const bytes = fc.constantFrom(...bin("ab.\r\n"));
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(bytes, { maxLength: 12 }), { maxLength: 8 }),
      async (chunks) => {
        const input = chunks.map((chunk) => Uint8Array.from(chunk));
        const out = await Array.fromAsync(
          ReadableStream.from(input).pipeThrough(new CrlfStream()),
        );
        const expected = join(input).replace(/\r\n|\r|\n/g, "\r\n");
        assert.equal(join(out), expected);
      },
    ),
    { numRuns: 2000 },
  );
});
