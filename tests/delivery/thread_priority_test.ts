import { equal } from "node:assert/strict";

const MODULE = new URL("../../lib/delivery/thread_priority.ts", import.meta.url).href;

/** Field 19 of /proc/thread-self/stat: the calling thread's nice value. */
const NICE_OF_THIS_THREAD = `
  const stat = Deno.readTextFileSync("/proc/thread-self/stat");
  const nice = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);`;

Deno.test("thread priority: a worker lowers its own thread only, not the process", async () => {
  const niceOfMainThread = new Function(`${NICE_OF_THIS_THREAD}; return nice;`);
  const before = niceOfMainThread();
  const source = `import { lowerThreadPriority } from "${MODULE}";
    const lowered = await lowerThreadPriority(7);
    ${NICE_OF_THIS_THREAD}
    postMessage({ lowered, nice });`;
  const url = `data:application/typescript,${encodeURIComponent(source)}`;
  const worker = new Worker(url, { type: "module" });
  const { data } = await new Promise<MessageEvent>((resolve) => worker.onmessage = resolve);
  worker.terminate();
  equal(data.lowered, true, "renice of the worker's thread id succeeds on Linux");
  equal(data.nice, 7);
  equal(niceOfMainThread(), before, "the test's own (main) thread keeps its priority");
});
