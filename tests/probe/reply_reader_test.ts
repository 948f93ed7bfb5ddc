import { deepEqual as assertEquals, rejects as assertRejects } from "node:assert/strict";
import net from "node:net";
import { ReplyReader, ReplyReadError } from "../../lib/probe/mod.ts";

/** A loopback server that writes `chunks` one by one to its first client, then ends. */
async function serverSending(chunks: string[], end: boolean) {
  const server = net.createServer(async (client) => {
    for (const chunk of chunks) {
      client.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (end) client.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const socket = net.connect({ host: "127.0.0.1", port });
  const close = () => {
    socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  };
  return { socket, close };
}

Deno.test({
  name: "ReplyReader: whole replies from lines split anywhere, CRLF or bare LF",
  sanitizeResources: false,
  async fn() {
    const { socket, close } = await serverSending(
      ["220 mx.example ESMTP\r\n250-mx.exa", "mple\r\n250-PIPE", "LINING\n250 STARTTLS\r\n"],
      false,
    );
    const replies = new ReplyReader(socket);
    try {
      assertEquals(await replies.read(), { code: 220, lines: ["mx.example ESMTP"] });
      assertEquals(await replies.read(), {
        code: 250,
        lines: ["mx.example", "PIPELINING", "STARTTLS"],
      });
    } finally {
      replies.detach();
      await close();
    }
  },
});

Deno.test({
  name: "ReplyReader: a closed connection or a line that is no reply rejects with ReplyReadError",
  sanitizeResources: false,
  async fn() {
    for (
      const [chunks, message] of [[["220 ok\r\n"], /closed the connection/], [
        ["HTTP/1.1 400 Bad Request\r\n"],
        /Malformed reply line/,
      ]] as const
    ) {
      const { socket, close } = await serverSending([...chunks], true);
      const replies = new ReplyReader(socket);
      try {
        if (chunks[0].startsWith("220")) await replies.read();
        await assertRejects(
          replies.read(),
          (e) => e instanceof ReplyReadError && message.test(e.message),
        );
      } finally {
        await close();
      }
    }
  },
});
