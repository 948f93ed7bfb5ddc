import { equal, match } from "node:assert/strict";
import { formatDate } from "../../../lib/message/date.ts";
import {
  formatReceived,
  type ReceivedInfo,
  withProtocol,
} from "../../../lib/smtp/server/received.ts";

const DATE = new Date(Date.UTC(2026, 10, 24, 3, 22, 55));

function info(overrides: Partial<ReceivedInfo> = {}): ReceivedInfo {
  return {
    helo: "client.example",
    clientName: "localhost",
    clientAddress: "127.0.0.1",
    hostname: "mx.example",
    esmtp: true,
    tls: false,
    authenticated: false,
    smtputf8: false,
    queueId: "MIDQ8ZK40000",
    recipient: "b@example.test",
    date: DATE,
    ...overrides,
  };
}

Deno.test("received: from, by, with, id, for and the date, folded and CRLF-terminated", () => {
  equal(
    formatReceived(info()),
    "Received: from client.example (localhost [127.0.0.1])\r\n" +
      "\tby mx.example (postie) with ESMTP id MIDQ8ZK40000\r\n" +
      `\tfor <b@example.test>; ${formatDate(DATE)}\r\n`,
  );
});

Deno.test("received: the date is an RFC 5322 date-time", () => {
  match(
    formatReceived(info()),
    /; (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}\r\n$/,
  );
  equal(formatDate(DATE, 0), "Tue, 24 Nov 2026 03:22:55 +0000");
});

Deno.test("received: no for clause without exactly one recipient (Bcc stays private)", () => {
  equal(
    formatReceived(info({ recipient: undefined })),
    "Received: from client.example (localhost [127.0.0.1])\r\n" +
      "\tby mx.example (postie) with ESMTP id MIDQ8ZK40000;\r\n" +
      `\t${formatDate(DATE)}\r\n`,
  );
});

Deno.test("received: an IPv6 client is written as an IPv6 address literal", () => {
  const text = formatReceived(info({ clientAddress: "2001:db8::1", clientName: undefined }));
  match(text, /^Received: from client\.example \(unknown \[IPv6:2001:db8::1\]\)\r\n/);
});

Deno.test("received: without HELO the address literal stands for the client's name", () => {
  match(
    formatReceived(info({ helo: undefined, clientName: undefined, clientAddress: "192.0.2.7" })),
    /^Received: from \[192\.0\.2\.7\] \(unknown \[192\.0\.2\.7\]\)\r\n/,
  );
  match(
    formatReceived(info({ helo: undefined, clientAddress: "::1" })),
    /^Received: from \[IPv6:::1\] \(localhost \[IPv6:::1\]\)\r\n/,
  );
});

Deno.test("received: every continuation line starts with whitespace (folded, RFC 5322 §2.2.3)", () => {
  const lines = formatReceived(info()).split("\r\n");
  equal(lines.at(-1), "");
  for (const line of lines.slice(1, -1)) match(line, /^\t\S/);
  for (const line of lines) equal(line.includes("\n") || line.includes("\r"), false);
});

Deno.test("received: with names the protocol (RFC 3848, RFC 6531 §3.7.3)", () => {
  const cases: [Partial<ReceivedInfo>, string][] = [
    [{ esmtp: false }, "SMTP"],
    [{ esmtp: false, tls: true, authenticated: true }, "SMTP"],
    [{}, "ESMTP"],
    [{ tls: true }, "ESMTPS"],
    [{ authenticated: true }, "ESMTPA"],
    [{ tls: true, authenticated: true }, "ESMTPSA"],
    [{ smtputf8: true }, "UTF8SMTP"],
    [{ smtputf8: true, tls: true }, "UTF8SMTPS"],
    [{ smtputf8: true, authenticated: true }, "UTF8SMTPA"],
    [{ smtputf8: true, tls: true, authenticated: true }, "UTF8SMTPSA"],
  ];
  for (const [overrides, protocol] of cases) {
    equal(withProtocol(info(overrides)), protocol, JSON.stringify(overrides));
    match(formatReceived(info(overrides)), new RegExp(` with ${protocol} id `));
  }
});

Deno.test("received: an SMTPUTF8 recipient is kept as UTF-8 in the for clause", () => {
  match(
    formatReceived(info({ smtputf8: true, recipient: "пользователь@пример.испытание" })),
    /\tfor <пользователь@пример\.испытание>; /,
  );
});
