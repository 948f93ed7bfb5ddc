/**
 * Real peers for tests and benchmarks, in one import: the catalog of peers and their
 * Debian packages, skip-or-fail checks, process helpers, and starters that run each server
 * on a free loopback port (see /work/shared/peers.md for what each peer is for).
 *
 * @example
 * ```ts
 * import { peerTest, startSmtpSink } from "./peers.ts";
 *
 * peerTest("client delivers to smtp-sink", ["smtp-sink"], async () => {
 *   const sink = await startSmtpSink();
 *   try {
 *     // ... connect to 127.0.0.1:sink.port ...
 *   } finally {
 *     await sink.stop();
 *   }
 * });
 * ```
 *
 * @module
 */

export {
  forgetPeers,
  missingPeers,
  peerAvailable,
  PeerMissingError,
  peerPath,
  PEERS,
  type PeerSpec,
  SYSTEM_PYTHON,
} from "./e2e/peers/catalog.ts";
export { ensurePeers, installScript, PeerInstallError } from "./e2e/peers/install.ts";
export { isCI, peerTest, requirePeer } from "./e2e/peers/require.ts";
export {
  freePort,
  type ListeningPeer,
  PeerStartError,
  RunningPeer,
  startListening,
  startProcess,
  type StartProcessOptions,
  waitForPort,
} from "./e2e/peers/process.ts";
export { createTestCertificate, type TestCertificate } from "./e2e/peers/certificate.ts";
export { type SmtpSinkOptions, startSmtpSink } from "./e2e/peers/smtp_sink.ts";
export {
  type AiosmtpdOptions,
  type Credentials,
  readSavedMessages,
  type SavedMessage,
  startAiosmtpd,
  TEST_CREDENTIALS,
} from "./e2e/peers/aiosmtpd.ts";
export { type DnsmasqPeer, startDnsmasq } from "./e2e/peers/dnsmasq.ts";
export {
  POSTFIX_TEST_DOMAIN,
  type PostfixOptions,
  type PostfixPeer,
  startPostfix,
} from "./e2e/peers/postfix.ts";
