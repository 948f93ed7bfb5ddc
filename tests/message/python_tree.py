"""Prints the MIME tree Python's email package reads from each file named on the command line,
as one JSON object per file: {file: [{path, contentType, filename, decodedSize, sha256}]}.
The reference for tests/message/corpus_test.ts."""
import email
import email.policy
import hashlib
import json
import sys


def walk(message, path, out):
    node = {"path": path, "contentType": message.get_content_type()}
    try:
        node["filename"] = message.get_filename()
    except Exception as error:  # a header Python cannot read: say so, keep going
        node["filename"] = "<error: %s>" % type(error).__name__
    if message.is_multipart():
        out.append(node)
        for index, child in enumerate(message.get_payload()):
            walk(child, "%s.%d" % (path, index + 1), out)
        return
    payload = message.get_payload(decode=True)
    if payload is None:
        payload = b""
    node["decodedSize"] = len(payload)
    node["sha256"] = hashlib.sha256(payload).hexdigest()
    out.append(node)


result = {}
for name in sys.argv[1:]:
    # from bytes, not a file object: a text wrapper would turn CRLF into LF
    with open(name, "rb") as handle:
        message = email.message_from_bytes(handle.read(), policy=email.policy.compat32)
    nodes = []
    walk(message, "1", nodes)
    result[name] = nodes
json.dump(result, sys.stdout)
