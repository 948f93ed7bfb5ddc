import { deepEqual, ok } from "node:assert/strict";
import { parseMessage, walkParts } from "../../lib/message/mod.ts";
import { isCI, peerTest, SYSTEM_PYTHON } from "../peers.ts";
import {
  CORPUS,
  corpusFiles,
  mshowTree,
  postieAsMshow,
  postieTree,
  pythonTrees,
  type RefNode,
} from "./corpus_compare.ts";

const M = "mikel-mail/";
const NO_BOUNDARY = "multipart whose boundary never appears: Python makes it one text leaf, " +
  "postie a multipart without parts and a warning";
const WORD_IN_NAME = "RFC 2047 word in a quoted file name: postie decodes it (as mail clients " +
  "do), Python's compat32 and mshow show it as written";
const QP_SPACE = "RFC 2045 §6.7 (3): trailing white space on a quoted-printable line is " +
  "dropped; Python (binascii.a2b_qp) and mshow keep it";
const NON_FIELD = "a line that is no header field: postie and Python end the header there " +
  "(RFC 5322 §2.2), mblaze reads on";
const NO_HEADER = "a part with no header fields (blank line right after the delimiter): " +
  "mblaze looks for a later blank line and takes the first paragraph as header";
const RFC2231_NAME = "RFC 2231 name*= parameter: mshow does not read it";

/** Differences from Python's email package, each explained: "file path field" → why. */
const PYTHON_DIFFERENCES: Record<string, string> = {
  [`${M}attachment_emails/attachment_message_rfc822_inline_image.eml 1.1.1.1 size`]: QP_SPACE,
  [`${M}attachment_emails/attachment_message_rfc822_inline_image.eml 1.2.1 size`]: NO_BOUNDARY,
  [`${M}attachment_emails/attachment_nonascii_filename.eml 1.2 filename`]:
    "raw 8-bit file name: postie reads it as UTF-8 (RFC 6532), Python keeps surrogate escapes",
  [`${M}attachment_emails/attachment_with_base64_encoded_name.eml 1.2 filename`]: WORD_IN_NAME,
  [`${M}error_emails/bad_date_header2.eml 1 size`]: NO_BOUNDARY,
  [`${M}error_emails/empty_in_reply_to.eml 1 size`]: NO_BOUNDARY,
  [`${M}error_emails/missing_body.eml 1 size`]: NO_BOUNDARY,
  [`${M}error_emails/must_supply_encoding.eml 1 size`]: NO_BOUNDARY,
  [`${M}mime_emails/raw_email4.eml 1.3 size`]: "last part with no close delimiter: Python drops " +
    "its final line break, postie keeps it (no delimiter follows to claim it, RFC 2046 §5.1.1)",
  [`${M}multi_charset/japanese_attachment.eml 1.2 filename`]: WORD_IN_NAME,
  [`${M}rfc2822/example13.eml 1 size`]: "RFC 5322 §4.5 obsolete 'From  :' (space before the " +
    "colon): Python takes it for an mbox From line and ends the header at 'To    :'; postie " +
    "reads both as fields and ends the header at the non-field line '__'",
};

/** Differences from `mshow -t`, each explained: "file number" → why. */
const MSHOW_DIFFERENCES: Record<string, string> = {
  [`${M}attachment_emails/attachment_message_rfc822_inline_image.eml 4`]: QP_SPACE,
  [`${M}attachment_emails/attachment_message_rfc822_inline_image.eml 6`]: "message/rfc822 whose " +
    "encapsulated header ends the part: mblaze ends the part before that blank line, postie " +
    "only before the delimiter's own CRLF (RFC 2046 §5.1.1), 2 octets more",
  [`${M}attachment_emails/attachment_with_base64_encoded_name.eml 3`]: WORD_IN_NAME,
  [`${M}attachment_emails/attachment_with_encoded_name.eml 3`]: RFC2231_NAME,
  [`${M}plain_emails/raw_email8.eml 3`]: RFC2231_NAME,
  [`${M}attachment_emails/attachment_with_unquoted_name.eml 3`]:
    "unquoted file name with spaces: " +
    "mshow stops at the first space, postie and Python read up to the ';'",
  [`${M}error_emails/multiple_references_with_one_invalid.eml 1`]: NON_FIELD,
  [`${M}plain_emails/raw_email_incorrect_header.eml 1`]: NON_FIELD,
  [`${M}rfc2822/example13.eml 1`]: NON_FIELD,
  [`${M}mime_emails/raw_email4.eml 5`]: "last part with no close delimiter: mshow gives it size 0",
  [`${M}mime_emails/raw_email_with_mimepart_without_content_type.eml 2`]: NO_HEADER,
  [`${M}multipart_report_emails/report_530.eml 2`]: NO_HEADER,
  [`${M}multi_charset/japanese_attachment.eml 3`]: WORD_IN_NAME,
};

const haveCorpus = await Deno.stat(CORPUS).then(() => true, () => false);
if (!haveCorpus && isCI()) throw new Error(`the shared corpus is missing at ${CORPUS}`);
const files = haveCorpus ? await corpusFiles() : [];

Deno.test({
  name: "corpus: every message parses; offsets stay inside the file and nest",
  ignore: !haveCorpus,
  fn: async () => {
    ok(files.length > 50);
    for (const file of files) {
      const bytes = await Deno.readFile(CORPUS + file);
      for (const part of walkParts(await parseMessage(bytes))) {
        ok(part.headerOffset <= part.bodyOffset && part.bodyOffset <= part.endOffset, file);
        ok(part.endOffset <= bytes.length, file);
      }
    }
  },
});

/** Python's node in the comparison: RFC 3464 message/delivery-status is one leaf for postie. */
function pythonNodes(nodes: RefNode[]): RefNode[] {
  const statuses = nodes.filter((n) => n.contentType === "message/delivery-status").map((n) =>
    n.path
  );
  // Python splits message/delivery-status into its field blocks (children without meaning as
  // MIME parts) and gives it no payload; postie keeps it one leaf: compare its type only.
  return nodes.filter((n) => !statuses.some((s) => n.path.startsWith(`${s}.`)));
}

peerTest(
  "corpus: postie's trees match Python's email package, differences explained",
  ["python3"],
  async () => {
    if (!haveCorpus) return;
    const python = await pythonTrees(SYSTEM_PYTHON, files);
    const found: string[] = [];
    for (const file of files) {
      const mine = new Map((await postieTree(file)).map((node) => [node.path, node]));
      const theirs = pythonNodes(python[file]);
      deepEqual([...mine.keys()], theirs.map((node) => node.path), file);
      for (const node of theirs) {
        const own = mine.get(node.path)!;
        if (own.contentType !== node.contentType) found.push(`${file} ${node.path} contentType`);
        if (own.filename !== node.filename) found.push(`${file} ${node.path} filename`);
        if (node.contentType === "message/delivery-status") continue;
        if (own.decodedSize !== node.decodedSize || own.sha256 !== node.sha256) {
          found.push(`${file} ${node.path} size`);
        }
      }
    }
    deepEqual(found.sort(), Object.keys(PYTHON_DIFFERENCES).sort());
  },
);

peerTest("corpus: postie's trees match mshow -t, differences explained", ["mshow"], async () => {
  if (!haveCorpus) return;
  const found: string[] = [];
  for (const file of files) {
    const [theirs, mine] = [await mshowTree(file), await postieAsMshow(file)];
    deepEqual(mine.length, theirs.length, file);
    mine.forEach((line, i) => line !== theirs[i] && found.push(`${file} ${i + 1}`));
  }
  deepEqual(found.sort(), Object.keys(MSHOW_DIFFERENCES).sort());
});
