import { Maildir } from "./maildir.ts";
import { lowerThreadPriority } from "./thread_priority.ts";

/** The operations local delivery needs from a Maildir, wherever its file work runs. */
export interface MaildirStore {
  /** The Maildir's top directory. */
  readonly dir: string;
  /** Whether a message file `name` of `size` bytes is already delivered (see Maildir). */
  contains(name: string, size: number): Promise<boolean>;
  /**
   * Writes a message file via tmp/ into new/; resolves with its path in new/. The content may be
   * taken (moved to another thread): the caller must not use it afterwards.
   */
  deliver(name: string, content: readonly Uint8Array[]): Promise<string>;
}

/** The name a Maildir worker is started with; the entry module checks it. */
export const MAILDIR_WORKER_NAME = "postie-maildir";

/**
 * Under load, accepting mail (the 250 a client waits for) goes before writing it into the
 * Maildir (which follows the durable spool and may wait): the worker thread runs as SCHED_IDLE,
 * or, where that cannot be set, at this niceness.
 */
const DELIVERY_NICENESS = 10;

type Request =
  | { seq: number; op: "contains"; name: string; size: number }
  | { seq: number; op: "deliver"; name: string; content: Uint8Array[] };
type Response = { seq: number; value: unknown } | { seq: number; error: string };

/**
 * A Maildir whose file work (open, write, rename) runs on a Worker thread. On this machine
 * creating files in a file system that the spool fsyncs at the same moment blocks for up to
 * milliseconds in the kernel; on the SMTP thread that stalls every session, here it stalls
 * only deliveries, which follow the 250 anyway.
 */
export class MaildirWorker implements MaildirStore {
  readonly #worker: Worker;
  readonly #pending = new Map<number, PromiseWithResolvers<unknown>>();
  #seq = 0;
  #outbox: Request[] = [];

  /**
   * @param entry the module that calls {@link runMaildirWorker} first thing (postie's entry
   *   module), so the worker is part of the same module graph, bundle or executable
   */
  constructor(entry: string | URL, readonly dir: string) {
    this.#worker = new Worker(entry, { type: "module", name: MAILDIR_WORKER_NAME });
    this.#worker.postMessage({ dir });
    this.#worker.onmessage = (event: MessageEvent<Response[]>) => {
      for (const response of event.data) {
        const pending = this.#pending.get(response.seq);
        this.#pending.delete(response.seq);
        if ("error" in response) pending?.reject(new Error(response.error));
        else pending?.resolve(response.value);
      }
    };
  }

  contains(name: string, size: number): Promise<boolean> {
    return this.#call({ seq: 0, op: "contains", name, size }) as Promise<boolean>;
  }

  /** Content pieces that fill their own ArrayBuffer are moved to the worker, not copied. */
  deliver(name: string, content: readonly Uint8Array[]): Promise<string> {
    return this.#call({ seq: 0, op: "deliver", name, content: [...content] }) as Promise<string>;
  }

  /** Stops the worker; call once no delivery is in progress. */
  terminate(): void {
    this.#worker.terminate();
    for (const pending of this.#pending.values()) pending.reject(new Error("worker stopped"));
    this.#pending.clear();
  }

  #call(request: Request): Promise<unknown> {
    request.seq = ++this.#seq;
    const pending = Promise.withResolvers<unknown>();
    this.#pending.set(request.seq, pending);
    // Requests made in the same turn go together: each message wakes the worker's thread,
    // which cost the SMTP thread more than the copying.
    if (this.#outbox.length === 0) {
      queueMicrotask(() => {
        this.#worker.postMessage(this.#outbox, { transfer: ownedBuffers(this.#outbox) });
        this.#outbox = [];
      });
    }
    this.#outbox.push(request);
    return pending.promise;
  }
}

/** The ArrayBuffers that deliveries' content pieces fill whole, to transfer with them. */
function ownedBuffers(requests: Request[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const request of requests) {
    if (request.op !== "deliver") continue;
    for (const piece of request.content) {
      const { buffer } = piece;
      if (
        buffer instanceof ArrayBuffer && piece.byteOffset === 0 &&
        piece.byteLength === buffer.byteLength
      ) {
        buffers.add(buffer);
      }
    }
  }
  return [...buffers];
}

/**
 * If this thread is a Maildir worker, serves requests on it and returns true; otherwise returns
 * false at once. The entry module calls it before anything else.
 */
export function runMaildirWorker(): boolean {
  const scope = globalThis as unknown as {
    name?: string;
    postMessage(message: Response[]): void;
    onmessage: ((event: MessageEvent) => void) | null;
  };
  if (scope.name !== MAILDIR_WORKER_NAME) return false;
  lowerThreadPriority(DELIVERY_NICENESS);
  let maildir: Maildir | undefined;
  scope.onmessage = async (event: MessageEvent<Request[] | { dir: string }>) => {
    if (!Array.isArray(event.data)) {
      maildir = new Maildir(event.data.dir);
      return;
    }
    const responses: Response[] = [];
    for (const request of event.data) {
      try {
        const value = request.op === "contains"
          ? await maildir!.contains(request.name, request.size)
          : await maildir!.deliver(request.name, request.content);
        responses.push({ seq: request.seq, value });
      } catch (error) {
        responses.push({ seq: request.seq, error: (error as Error).message ?? String(error) });
      }
    }
    scope.postMessage(responses);
  };
  return true;
}
