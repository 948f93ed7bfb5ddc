import { statfsSync } from "node:fs";
import { concatBytes } from "../wire/bytes.ts";
import type { IncomingMessage, MessageStore } from "../smtp/server/connection.ts";
import { StoreError } from "../smtp/server/connection.ts";
import { formatReceived } from "../smtp/server/received.ts";
import type { Spool, SpooledMessage, SpoolMeta } from "../spool/spool.ts";

/** Room kept free beyond the messages themselves: done log, directories, metadata. */
const SPARE_BYTES = 256 * 1024;
/**
 * While the disk has this much more free than needed, a free-space figure up to a second old
 * (less what was stored since) is trusted instead of asking the file system per message.
 */
const CACHE_SLACK_BYTES = 64 * 1024 * 1024;
const CACHE_MS = 1_000;
/** Room a message takes in the spool beyond its content: record header, envelope, Received. */
const RECORD_OVERHEAD = 2048;

/**
 * The server's {@link MessageStore}: stamps the Received header field, appends the message to
 * the durable spool, and hands it to delivery once it is on disk.
 *
 * It refuses a message (452 4.3.1) unless the disk keeps room to deliver it and everything
 * already spooled: the Maildir shares the data directory's disk, and a spool that filled it
 * would hold acknowledged mail that can never be delivered (Postfix's queue_minfree, computed).
 */
export class SpoolStore implements MessageStore {
  constructor(
    readonly spool: Spool,
    readonly hostname: string,
    readonly deliver: (message: SpooledMessage) => void,
  ) {}

  /**
   * Whether a message of `size` octets would be stored now (disk room as `store` checks it), for
   * a MAIL command's declared SIZE (RFC 1870 §6.1).
   */
  hasRoomFor(size: number): boolean {
    return this.#hasRoomFor(size + RECORD_OVERHEAD);
  }

  async store(message: IncomingMessage): Promise<string> {
    if (!this.hasRoomFor(message.size)) {
      // The space of delivered mail must come back even if no segment fills up any more.
      await this.spool.closeSegment();
      throw new StoreError("disk-full");
    }
    const { envelope, client } = message;
    const id = this.spool.ids.next();
    const receivedAt = Date.now();
    const recipients = envelope.recipients.map(({ path, params }) => ({
      address: path.text,
      ...(params.notify ? { notify: params.notify } : {}),
      ...(params.orcpt ? { orcpt: `${params.orcpt.addrType};${params.orcpt.address}` } : {}),
    }));
    const { size, body, smtputf8, ret, envid } = envelope.mailParams;
    const meta: SpoolMeta = {
      id,
      receivedAt,
      from: envelope.reversePath.text,
      recipients,
      mailParams: Object.fromEntries(
        Object.entries({ size, body, smtputf8, ret, envid }).filter(([, v]) => v !== undefined),
      ) as SpoolMeta["mailParams"],
      client: {
        address: client.address,
        port: client.port,
        helo: client.helo,
        name: message.clientName,
        tls: client.tls,
      },
      received: formatReceived({
        helo: client.helo,
        clientName: message.clientName,
        clientAddress: client.address,
        hostname: this.hostname,
        esmtp: client.esmtp,
        tls: client.tls,
        authenticated: client.authenticated,
        smtputf8: smtputf8 === true,
        queueId: id,
        recipient: recipients.length === 1 ? recipients[0].address : undefined,
        date: new Date(receivedAt),
      }),
    };
    let location;
    try {
      location = await this.spool.append(meta, message.content);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new StoreError(code === "ENOSPC" || code === "EDQUOT" ? "disk-full" : "io", {
        cause: error,
      });
    }
    const content = concatBytes(message.content);
    // A view into a larger read buffer would keep all of that buffer alive while queued.
    const exact = content.byteLength === content.buffer.byteLength ? content : content.slice();
    this.deliver({ meta, location, body: exact });
    return id;
  }

  #hasRoomFor(size: number): boolean {
    const undelivered = this.spool.undelivered;
    // Stored, then delivered: the new message twice, every spooled one once more, each file
    // rounded up to a whole block.
    const needed = (blockSize: number) =>
      2 * (size + blockSize) + undelivered.bytes + undelivered.messages * blockSize +
      SPARE_BYTES;
    const seen = this.#freeSpace;
    const recent = seen !== undefined && Date.now() - seen.at < CACHE_MS;
    if (recent && seen.bytes - seen.usedSince >= needed(seen.blockSize) + CACHE_SLACK_BYTES) {
      seen.usedSince += 2 * (size + seen.blockSize);
      return true;
    }
    const { bavail, bsize } = statfsSync(this.spool.dir);
    this.#freeSpace = { bytes: bavail * bsize, blockSize: bsize, at: Date.now(), usedSince: 0 };
    return bavail * bsize >= needed(bsize);
  }

  /** The last free-space figure from the file system, and what was stored since. */
  #freeSpace: { bytes: number; blockSize: number; at: number; usedSince: number } | undefined;
}
