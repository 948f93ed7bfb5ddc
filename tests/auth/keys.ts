/**
 * DKIM test keys made with WebCrypto: the private key as PEM for signing, and the key record
 * (RFC 6376 §3.6.1) as dnsmasq flags that publish it.
 *
 * @module
 */

/** A DKIM key pair for tests. */
export interface DkimTestKey {
  /** The private key, PKCS#8 PEM. */
  privateKey: string;
  /** The key record: `v=DKIM1; k=rsa; p=…`. */
  record: string;
}

/** The key type: RSA 2048 (rsa-sha256) or Ed25519 (ed25519-sha256, RFC 8463). */
export type DkimKeyType = "rsa" | "ed25519";

/**
 * A new key pair. RSA publishes its SubjectPublicKeyInfo, Ed25519 its raw 32-byte key
 * (RFC 8463 §4.2).
 */
export async function createDkimKey(type: DkimKeyType): Promise<DkimTestKey> {
  const algorithm = type === "rsa"
    ? {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    }
    : { name: "Ed25519" };
  const pair = await crypto.subtle.generateKey(algorithm, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const publicKey = new Uint8Array(
    await crypto.subtle.exportKey(type === "rsa" ? "spki" : "raw", pair.publicKey),
  );
  const lines = base64(pkcs8).match(/.{1,64}/g)!.join("\n");
  return {
    privateKey: `-----BEGIN PRIVATE KEY-----\n${lines}\n-----END PRIVATE KEY-----\n`,
    record: `v=DKIM1; k=${type}; p=${base64(publicKey)}`,
  };
}

/**
 * The dnsmasq flag publishing `text` as the TXT record of `name`: split at commas into
 * character-strings of at most 255 octets (RFC 1035 §3.3.14), which readers join again.
 */
export function txtRecordFlag(name: string, text: string): string {
  return `--txt-record=${name},${text.match(/.{1,255}/g)!.join(",")}`;
}

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}
