import { InvalidArgumentError } from "@commander-js/extra-typings";

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
};

/** Parses a duration flag (`300`, `30s`, `5m`, `250ms`; bare numbers are seconds) into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) {
    throw new InvalidArgumentError(`expected a duration such as 30s, 5m or 250ms, got "${text}"`);
  }
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2] ?? "s"]);
}

/** Parses a size flag (`1000`, `512k`, `25MB`, `1g`; powers of 1024) into bytes. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? SIZE_UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new InvalidArgumentError(`expected a size such as 1000, 512k or 25MB, got "${text}"`);
  }
  return Math.floor(Number(match[1]) * unit);
}

/** Parses a positive whole number flag. */
export function parsePositiveInt(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new InvalidArgumentError(`expected a whole number of at least 1, got "${text}"`);
  }
  return Number(text);
}

/** Parses a TCP port number (1 to 65535). */
export function parsePort(text: string): number {
  const port = parsePositiveInt(text);
  if (port > 65535) throw new InvalidArgumentError(`expected a port up to 65535, got "${text}"`);
  return port;
}

/** An address and port to listen on or connect to. */
export interface HostPort {
  hostname: string;
  port: number;
}

/**
 * Parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (loopback), and a bare `HOST` when a default port
 * is given.
 */
export function parseHostPort(text: string, defaultPort?: number): HostPort {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\[\]]*))(?::(\d{1,5}))?$/.exec(text.trim());
  const port = match?.[3] !== undefined ? Number(match[3]) : defaultPort;
  if (!match || port === undefined || port > 65535) {
    throw new InvalidArgumentError(
      `expected HOST:PORT, [IPv6]:PORT or :PORT with a port up to 65535, got "${text}"`,
    );
  }
  return { hostname: match[1] ?? (match[2] || "127.0.0.1"), port };
}
