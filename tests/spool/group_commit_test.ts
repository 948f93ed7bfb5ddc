import { deepEqual } from "node:assert/strict";
import { GroupCommit } from "../../lib/spool/group_commit.ts";

/** A GroupCommit whose commit records each batch and takes a tick. */
function recording(
  waitMs = 0,
  waitWhen: "always" | "concurrent" = "always",
): { queue: GroupCommit<number>; batches: number[][] } {
  const batches: number[][] = [];
  const queue = new GroupCommit<number>(
    async (batch) => {
      batches.push(batch);
      await new Promise((done) => setTimeout(done, 1));
    },
    waitMs,
    waitWhen,
  );
  return { queue, batches };
}

Deno.test("group commit: items added during a batch go together in the next one", async () => {
  const { queue, batches } = recording();
  queue.add(1);
  queue.add(2);
  queue.add(3);
  await queue.settled();
  // The first batch starts at once with item 1; 2 and 3 arrived while it was being written.
  deepEqual(batches, [[1], [2, 3]]);
});

Deno.test("group commit: with a wait, the first item waits for the others", async () => {
  const { queue, batches } = recording(5);
  queue.add(1);
  queue.add(2);
  await queue.settled();
  deepEqual(batches, [[1, 2]]);
});

Deno.test("group commit: settled waits for items added while it waits", async () => {
  const { queue, batches } = recording();
  queue.add(1);
  const settled = queue.settled();
  queue.add(2);
  await settled;
  deepEqual(batches.flat(), [1, 2]);
  queue.add(3);
  await queue.settled();
  deepEqual(batches.flat(), [1, 2, 3]);
});

Deno.test("group commit: waiting when concurrent, a lone item never waits", async () => {
  const { queue, batches } = recording(60_000, "concurrent");
  for (let i = 1; i <= 3; i++) {
    queue.add(i);
    await queue.settled(); // would time the test out if the item waited a minute
  }
  deepEqual(batches, [[1], [2], [3]]);
});

Deno.test("group commit: waiting when concurrent, a batch of several makes the next wait", async () => {
  const { queue, batches } = recording(30, "concurrent");
  queue.add(1);
  queue.add(2);
  queue.add(3);
  await queue.settled();
  deepEqual(batches, [[1], [2, 3]]); // the first batch starts at once: no concurrency seen yet
  const started = performance.now();
  queue.add(4);
  queue.add(5); // the last batch carried two: 4 waits for 5
  await queue.settled();
  deepEqual(batches.slice(2), [[4, 5]]);
  const waited = performance.now() - started;
  if (waited < 25) throw new Error(`batch [4, 5] started after ${waited} ms, not ~30`);
});
