import { equal } from "node:assert/strict";

const MODULE = new URL("../../lib/delivery/thread_priority.ts", import.meta.url).href;

/** Fields 19 (nice) and 41 (policy) of /proc/thread-self/stat, for the calling thread. */
const PRIORITY_OF_THIS_THREAD = `
  const stat = Deno.readTextFileSync("/proc/thread-self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const priority = { nice: Number(fields[16]), policy: Number(fields[38]) };`;

/** SCHED_IDLE's number in sched(7). */
const SCHED_IDLE = 5;

Deno.test("thread priority: a worker lowers its own thread only, not the process", async () => {
  const priorityOfMainThread = new Function(`${PRIORITY_OF_THIS_THREAD}; return priority;`);
  const before = priorityOfMainThread();
  const source = `import { lowerThreadPriority } from "${MODULE}";
    const applied = await lowerThreadPriority(7);
    ${PRIORITY_OF_THIS_THREAD}
    postMessage({ applied, priority });`;
  const url = `data:application/typescript,${encodeURIComponent(source)}`;
  const worker = new Worker(url, { type: "module" });
  const { data } = await new Promise<MessageEvent>((resolve) => worker.onmessage = resolve);
  worker.terminate();
  equal(data.applied, "idle", "chrt --idle of the worker's thread id succeeds on Linux");
  equal(data.priority.policy, SCHED_IDLE);
  equal(priorityOfMainThread().policy, before.policy, "the main thread keeps its policy");
  equal(priorityOfMainThread().nice, before.nice, "and its nice value");
});
