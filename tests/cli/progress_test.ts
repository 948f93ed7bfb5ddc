import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { ProgressBar, renderProgress, Throttle } from "../../cli/progress.ts";

Deno.test("renderProgress: bar, floored percent, sizes in the total's unit, messages", () => {
  equal(
    renderProgress(512, 1024, 3, 50),
    "[#########          ]  50% 0.5/1.0 KiB 3 messages",
  );
  equal(
    renderProgress(5 * 2 ** 20, 5 * 2 ** 20, 1, 40),
    "[##########] 100% 5.0/5.0 MiB 1 message",
  );
  equal(renderProgress(999, 1000, 7, 80).match(/ (\d+)% /)?.[1], "99");
  equal(renderProgress(10, 20, 2, 60).includes("10/20 B"), true);
});

Deno.test("renderProgress: a file that grew counts as done; an empty one as 100%", () => {
  ok(renderProgress(3000, 2048, 1, 60).includes(" 100% 2.0/2.0 KiB "));
  ok(renderProgress(0, 0, 0, 60).includes(" 100% 0/0 B 0 messages"));
});

Deno.test("renderProgress: too narrow for a bar, the figures alone, cut to fit", () => {
  equal(renderProgress(10, 20, 1, 30), "50% 10/20 B 1 message");
  equal(renderProgress(10, 20, 1, 8), "50% 10/");
  equal(renderProgress(10, 20, 1, 0), "");
});

Deno.test("renderProgress: always fits in width - 1 columns, the bar filled in proportion", () => {
  fc.assert(
    fc.property(
      fc.nat(),
      fc.nat(),
      fc.nat({ max: 10_000_000 }),
      fc.integer({ min: 1, max: 300 }),
      (bytes, total, messages, width) => {
        const line = renderProgress(bytes, total, messages, width);
        ok(line.length <= width - 1);
        const bar = line.match(/^\[(#*)( *)\]/);
        if (bar && total > 0) {
          const room = bar[1].length + bar[2].length;
          equal(bar[1].length, Math.floor(Math.min(bytes / total, 1) * room));
        }
      },
    ),
  );
});

Deno.test("Throttle: the first call, then once per interval", () => {
  const throttle = new Throttle(100);
  deepEqual(
    [0, 50, 99, 100, 150, 250, 251].map((now) => throttle.ready(now)),
    [true, false, false, true, false, true, false],
  );
});

function recorder() {
  const written: string[] = [];
  const stream = {
    writeSync(bytes: Uint8Array) {
      written.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  };
  return { written, stream };
}

Deno.test("ProgressBar: draws with \\r, throttled, cleared once and only when shown", () => {
  const { written, stream } = recorder();
  const bar = new ProgressBar(stream, 50, new Throttle(100));
  bar.clear();
  deepEqual([...written], []);
  bar.update(512, 1024, 3, 0);
  bar.update(700, 1024, 3, 40);
  deepEqual([...written], ["\r\x1b[K[#########          ]  50% 0.5/1.0 KiB 3 messages"]);
  bar.clear();
  bar.clear();
  deepEqual([...written.slice(1)], ["\r\x1b[K"]);
  bar.update(1024, 1024, 4, 100);
  ok(written.at(-1)?.startsWith("\r\x1b[K[###################] 100% "));
});

Deno.test("ProgressBar: a stream taking partial writes still gets the whole line", () => {
  const written: number[] = [];
  const bar = new ProgressBar({
    writeSync(bytes: Uint8Array) {
      written.push(...bytes.subarray(0, 5));
      return Math.min(5, bytes.length);
    },
  }, 50);
  bar.update(1, 2, 1, 0);
  equal(
    new TextDecoder().decode(new Uint8Array(written)),
    `\r\x1b[K${renderProgress(1, 2, 1, 50)}`,
  );
});
