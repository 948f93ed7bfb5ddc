import { deepEqual as assertEquals, equal, ok as assert } from "node:assert/strict";
import { LineBatcher } from "../../cli/mx_output.ts";

/** A stream that records each write as text. */
function recorder() {
  const writes: string[] = [];
  return {
    writes,
    writeSync(bytes: Uint8Array): number {
      writes.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  };
}

Deno.test("lines are written together, in order, once closed", () => {
  const out = recorder();
  const output = new LineBatcher(out);
  for (let i = 0; i < 100; i++) output.line(`{"n":${i}}`);
  equal(out.writes.length, 0, "nothing written per line");
  output.close();
  assertEquals(out.writes, [Array.from({ length: 100 }, (_, i) => `{"n":${i}}\n`).join("")]);
});

Deno.test("32 KiB of lines are written at once, without waiting for the timer", () => {
  const out = recorder();
  const output = new LineBatcher(out);
  const line = "x".repeat(1023);
  for (let i = 0; i < 32; i++) output.line(line);
  equal(out.writes.length, 1);
  output.close();
});

Deno.test("the count on the terminal is erased before lines are written, and at the end", () => {
  const out = recorder(), progress = recorder();
  const output = new LineBatcher(out, progress);
  output.line("a");
  output.line("b");
  const [clear, count] = [progress.writes[0].slice(0, 4), progress.writes[0].slice(4)];
  assert(clear === "\r\x1b[K" && /^\[1 domain, \d+\/s\]$/.test(count), progress.writes[0]);
  equal(progress.writes.length, 1, "redrawn at most ten times a second");
  output.close();
  assertEquals([progress.writes.at(-1), out.writes], ["\r\x1b[K", ["a\nb\n"]]);
});

Deno.test("a reader that went away (| head) ends the writing quietly", () => {
  const output = new LineBatcher({
    writeSync(): number {
      throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
    },
  });
  output.line("lost");
  output.close();
});
