import type { ConnectionEvent } from "../smtp/server/connection.ts";
import type { DeliveryEvent } from "../delivery/local_delivery.ts";

/** A log record: an event name and its fields. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** How often buffered log lines are written, so a busy server does not write once per line. */
const FLUSH_INTERVAL_MS = 50;

/**
 * Writes one line per event: `key=value` text for people, or JSON lines for machines.
 * Lines are buffered briefly and written together.
 */
export class Logger {
  #lines: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * A logger writing `format` lines to `output` (stdout unless given).
   *
   * @param format "text" for `key=value` lines, "json" for JSON lines
   * @param output where the lines are written
   */
  constructor(
    readonly format: "text" | "json",
    readonly output: { writeSync(bytes: Uint8Array): number } = Deno.stdout,
  ) {}

  /** Logs one event. */
  log(event: string, fields: LogFields): void {
    const time = new Date().toISOString();
    this.#lines.push(
      this.format === "json"
        ? JSON.stringify({ time, event, ...fields })
        : `${time} ${event} ${formatText(fields)}`,
    );
    this.#timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Writes what is buffered now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#lines.length === 0) return;
    const bytes = new TextEncoder().encode(this.#lines.join("\n") + "\n");
    this.#lines = [];
    let written = 0;
    try {
      while (written < bytes.length) written += this.output.writeSync(bytes.subarray(written));
    } catch {
      // The log's reader went away (a closed pipe): serving mail matters more than logging.
    }
  }

  /** Logs a connection's or a message's end, one line each (client, HELO, from, rcpts, size…). */
  connectionEvent(event: ConnectionEvent): void {
    const client = `${event.client.address}:${event.client.port}`;
    if (event.kind === "connection") {
      this.log("disconnect", {
        client,
        helo: event.client.helo,
        messages: event.messages,
        end: event.end,
        ms: event.durationMs,
      });
      return;
    }
    this.log("message", {
      client,
      helo: event.client.helo,
      from: `<${event.envelope.reversePath.text}>`,
      rcpts: event.envelope.recipients.length,
      size: event.size,
      id: event.queueId,
      result: event.reply.code,
      reply: event.reply.lines.join(" "),
      ms: event.durationMs,
    });
  }

  /** Logs a delivery into the Maildir or its deferral. */
  deliveryEvent(event: DeliveryEvent): void {
    if (event.kind === "delivered") {
      this.log("delivered", {
        id: event.message.meta.id,
        file: event.file,
        recovered: event.skipped || undefined,
      });
    } else {
      const { segment, offset } = event.location;
      this.log("deferred", {
        id: event.message?.meta.id,
        record: event.message ? undefined : `segment ${segment} offset ${offset}`,
        error: event.error instanceof Error ? event.error.message : String(event.error),
        retry_s: event.retryInMs / 1000,
      });
    }
  }
}

function formatText(fields: LogFields): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const text = String(value);
      return `${key}=${/[\s"=]/.test(text) || text === "" ? JSON.stringify(text) : text}`;
    })
    .join(" ");
}
