/**
 * Lowers the scheduling priority of the calling thread (Linux: `nice` is per thread), so that
 * work which may wait (Maildir delivery after the 250) yields the CPU to work a client waits
 * for (the SMTP sessions). On an idle machine a nice thread runs at once; only under load does
 * it fall behind, and it catches up when the load ends.
 *
 * Deno has no setpriority(2), so this asks `renice` (util-linux) for the thread id that
 * `/proc/thread-self` names. Returns false, changing nothing, where either is missing.
 *
 * @example
 * ```ts ignore
 * await lowerThreadPriority(10); // in a Worker: only that worker's thread
 * ```
 */
export async function lowerThreadPriority(niceness: number): Promise<boolean> {
  try {
    // "/proc/thread-self" → "<pid>/task/<tid>"
    const tid = Deno.readLinkSync("/proc/thread-self").split("/").at(-1);
    if (!tid || !/^\d+$/.test(tid)) return false;
    const { success } = await new Deno.Command("renice", {
      args: ["-n", String(niceness), "-p", tid],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false; // not Linux, no renice, or no permission to run it: keep the priority
  }
}
