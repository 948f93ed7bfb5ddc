import { deepEqual } from "node:assert/strict";
import { GroupCommit } from "../../lib/spool/group_commit.ts";

/** A GroupCommit whose commit records each batch and takes a tick. */
function recording(waitMs = 0): { queue: GroupCommit<number>; batches: number[][] } {
  const batches: number[][] = [];
  const queue = new GroupCommit<number>(async (batch) => {
    batches.push(batch);
    await new Promise((done) => setTimeout(done, 1));
  }, waitMs);
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
