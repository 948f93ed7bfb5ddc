import { deepEqual } from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { walkParts } from "../../lib/message/mod.ts";
import { parseText } from "./helpers.ts";

/** A MIME tree to serialise: a leaf with content, a multipart, or a message/rfc822. */
type Node =
  | {
    kind: "leaf";
    type: string;
    encoding: "7bit" | "base64" | "quoted-printable";
    filename?: string;
    content: Uint8Array;
  }
  | { kind: "multipart"; subtype: string; children: Node[] }
  | { kind: "message"; child: Node };

const text7bit = fc.array(fc.stringMatching(/^[a-z -]{0,40}$/), { maxLength: 4 }).map((lines) =>
  new TextEncoder().encode(lines.join("\r\n"))
);
const leaf: fc.Arbitrary<Node> = fc.oneof(
  fc.record({
    kind: fc.constant("leaf" as const),
    type: fc.constant("text/plain"),
    encoding: fc.constant("7bit" as const),
    content: text7bit,
  }),
  fc.record({
    kind: fc.constant("leaf" as const),
    type: fc.constantFrom("application/octet-stream", "image/png", "text/plain"),
    encoding: fc.constantFrom("base64" as const, "quoted-printable" as const),
    filename: fc.option(fc.stringMatching(/^[\w. é€-]{1,20}$/), { nil: undefined }),
    content: fc.uint8Array({ maxLength: 300 }),
  }),
);
const tree = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({
      kind: fc.constant("multipart" as const),
      subtype: fc.constantFrom("mixed", "alternative", "related"),
      children: fc.array(tie("node"), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant("message" as const), child: tie("node") }),
  ),
})).node;

let boundaries = 0;

/** Serialises a node: its header fields, a blank line, its body. */
function serialise(node: Node): string {
  if (node.kind === "message") {
    return `Content-Type: message/rfc822\r\n\r\n${serialise(node.child)}`;
  }
  if (node.kind === "multipart") {
    const boundary = `=_b${++boundaries}_${Math.random().toString(36).slice(2)}`;
    const parts = node.children.map((child) => `--${boundary}\r\n${serialise(child)}\r\n`).join("");
    return `Content-Type: multipart/${node.subtype}; boundary="${boundary}"\r\n\r\npreamble\r\n${parts}--${boundary}--\r\n`;
  }
  const name = node.filename === undefined
    ? ""
    : `; filename*=utf-8''${encodeURIComponent(node.filename)}`;
  const head = `Content-Type: ${node.type}\r\nContent-Transfer-Encoding: ${node.encoding}\r\n` +
    `Content-Disposition: attachment${name}\r\n\r\n`;
  return head + encode(node);
}

function encode(node: Extract<Node, { kind: "leaf" }>): string {
  const bytes = node.content;
  if (node.encoding === "7bit") return new TextDecoder().decode(bytes);
  if (node.encoding === "base64") {
    return btoa(String.fromCharCode(...bytes)).replace(/.{76}(?!$)/g, "$&\r\n");
  }
  let out = "";
  let line = 0;
  for (const b of bytes) {
    const token = b === 61 || b < 33 || b > 126
      ? `=${b.toString(16).toUpperCase().padStart(2, "0")}`
      : String.fromCharCode(b);
    if (line + token.length > 70) [out, line] = [out + "=\r\n", 0];
    [out, line] = [out + token, line + token.length];
  }
  return out;
}

/** What a parse must find for a node at `path`: paths, types, file names, sizes, hashes. */
function expected(node: Node, path: string): unknown[] {
  if (node.kind === "message") {
    return [
      [path, "message/rfc822", undefined, 0, undefined],
      ...expected(node.child, `${path}.1`),
    ];
  }
  if (node.kind === "multipart") {
    return [
      [path, `multipart/${node.subtype}`, undefined, 0, undefined],
      ...node.children.flatMap((child, i) => expected(child, `${path}.${i + 1}`)),
    ];
  }
  const sha = createHash("sha256").update(node.content).digest("hex");
  return [[path, node.type, node.filename, node.content.length, sha]];
}

Deno.test("random MIME trees: serialise, parse in random chunks, get the same tree", () => {
  fc.assert(
    fc.property(tree, fc.integer({ min: 1, max: 200 }), (node, chunk) => {
      const root = parseText(serialise(node), {}, chunk);
      const found = [...walkParts(root)].map((
        p,
      ) => [p.path, p.contentType.mediaType, p.filename, p.decodedSize, p.sha256]);
      deepEqual(found, expected(node, "1"));
      deepEqual([...walkParts(root)].flatMap((p) => p.warnings), []);
    }),
    { numRuns: 300 },
  );
});
