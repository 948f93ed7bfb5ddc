/**
 * Lowers the calling thread's scheduling priority (Linux schedules threads, not processes), so
 * that work which may wait (Maildir delivery after the 250) yields the CPU to work a client waits
 * for (the SMTP sessions).
 *
 * First choice is SCHED_IDLE (`chrt --idle`): the thread runs whenever a CPU would otherwise be
 * idle, and never takes one from a thread that wants it. With a busy machine's two cores shared
 * by the SMTP thread and its clients, even a nice 10 thread took a tenth of a core at the moment
 * sessions wanted it. Where chrt fails, `renice` to `niceness` is the fallback. Deno has no
 * sched_setscheduler(2) or setpriority(2), so this asks util-linux for the thread id that
 * `/proc/thread-self` names.
 *
 * Resolves with the policy applied, or "none" (nothing changed: not Linux, neither tool, or no
 * permission).
 *
 * @example
 * ```ts ignore
 * await lowerThreadPriority(10); // in a Worker: only that worker's thread
 * ```
 */
export async function lowerThreadPriority(niceness: number): Promise<"idle" | "nice" | "none"> {
  let tid: string | undefined;
  try {
    // "/proc/thread-self" → "<pid>/task/<tid>"
    tid = Deno.readLinkSync("/proc/thread-self").split("/").at(-1);
  } catch {
    return "none"; // not Linux
  }
  if (!tid || !/^\d+$/.test(tid)) return "none";
  if (await succeeds("chrt", ["--idle", "--pid", "0", tid])) return "idle";
  if (await succeeds("renice", ["-n", String(niceness), "-p", tid])) return "nice";
  return "none";
}

async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false; // no such tool, or no permission to run it
  }
}
