/**
 * python3-dkim (the `dkimverify` peer) as the referee of DKIM signatures: `dkim.verify` with
 * its key lookups sent by dnspython to a dnsmasq on loopback, never the system resolver.
 *
 * @module
 */

import { SYSTEM_PYTHON } from "../peers.ts";

const SCRIPT = `
import sys, dkim, dns.resolver
resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = ["127.0.0.1"]
resolver.port = int(sys.argv[1])
def dnsfunc(name, timeout=5):
    try:
        answer = resolver.resolve(name.decode(), "TXT", lifetime=timeout)
    except Exception:
        return None
    return b"".join(b"".join(r.strings) for r in answer)
message = sys.stdin.buffer.read()
if sys.argv[2] == "arc":
    print(dkim.arc_verify(message, dnsfunc=dnsfunc)[0].decode())
else:
    print("pass" if dkim.verify(message, dnsfunc=dnsfunc) else "fail")
`;

/** Whether python3-dkim verifies the first DKIM-Signature of `message`, keys from `dnsPort`. */
export async function dkimpyVerifies(message: Uint8Array, dnsPort: number): Promise<boolean> {
  return await runDkimpy(message, dnsPort, "dkim") === "pass";
}

/** python3-dkim's ARC chain validation (RFC 8617 §5.2): `pass`, `fail` or `none`. */
export async function dkimpyArc(message: Uint8Array, dnsPort: number): Promise<string> {
  return await runDkimpy(message, dnsPort, "arc");
}

async function runDkimpy(message: Uint8Array, dnsPort: number, what: string): Promise<string> {
  const child = new Deno.Command(SYSTEM_PYTHON, {
    args: ["-c", SCRIPT, String(dnsPort), what],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(message);
  await writer.close();
  const output = await child.output();
  const text = new TextDecoder().decode(output.stdout).trim();
  if (!/^(pass|fail|none)$/.test(text)) {
    throw new Error(`python3-dkim failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  return text;
}
