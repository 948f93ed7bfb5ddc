/**
 * Where mail for a domain goes (RFC 5321 §5.1): its MX hosts in preference order with their
 * addresses, the implicit MX (the domain's own A/AAAA) when it has no MX, and the null MX of
 * RFC 7505 ("accepts no mail"), with the problems a sender would meet.
 *
 * @module
 */

import {
  errorFinding as error,
  type Finding,
  okFinding,
  warningFinding as warning,
} from "./finding.ts";
import type { Lookup } from "./lookup.ts";
import type { Resolver } from "./resolver.ts";

/** One host mail may be handed to. */
export interface MxHost {
  /** MX PREFERENCE: lower is tried first (RFC 5321 §5.1); 0 for an implicit MX. */
  preference: number;
  /** Exchange name (A-labels, no final dot); the domain itself for an implicit MX. */
  exchange: string;
  /** IPv4 then IPv6 addresses. */
  addresses: string[];
  /** The A question for the exchange. */
  a: Lookup<"A">;
  /** The AAAA question for the exchange. */
  aaaa: Lookup<"AAAA">;
}

/**
 * How mail for the domain is routed: `mx` (MX records), `implicit` (no MX, the domain's own
 * addresses), `null` (RFC 7505 null MX), `none` (no MX and no address), `nxdomain` (the domain
 * does not exist), `unknown` (DNS failed: see `mx.reason`).
 */
export type RouteKind = "mx" | "implicit" | "null" | "none" | "nxdomain" | "unknown";

/** The mail route of a domain, from {@linkcode resolveMxRoute}. */
export interface MxRoute {
  /** The domain whose route this is (A-labels, no final dot). */
  domain: string;
  /** What kind of route the domain has. */
  kind: RouteKind;
  /** The MX question's outcome (its TTL is the RRset's). */
  mx: Lookup<"MX">;
  /** Hosts by ascending preference, then name. */
  hosts: MxHost[];
  /** What the check found about the route. */
  findings: Finding[];
}

/**
 * Resolves the mail route of `domain` (A-labels) and judges it.
 *
 * @example
 * ```ts
 * const route = await resolveMxRoute(new Resolver(), "example.com");
 * for (const host of route.hosts) console.log(host.preference, host.exchange, host.addresses);
 * ```
 */
export async function resolveMxRoute(resolver: Resolver, domain: string): Promise<MxRoute> {
  const mx = await resolver.lookup(domain, "MX");
  const route = (kind: RouteKind, hosts: MxHost[], findings: Finding[]): MxRoute => ({
    domain,
    kind,
    mx,
    hosts,
    findings,
  });
  switch (mx.status) {
    case "ok":
      return judgeMx(route, await Promise.all(mx.records.map((r) => resolveHost(resolver, r))));
    case "nxdomain":
      return route("nxdomain", [], [
        error("dns", "nxdomain", `${domain} does not exist (NXDOMAIN)`),
      ]);
    case "nodata":
      return implicitRoute(route, await resolveHost(resolver, { preference: 0, exchange: domain }));
    default:
      return route("unknown", [], [error("dns", mx.status, `MX lookup failed: ${mx.reason}`)]);
  }
}

type Build = (kind: RouteKind, hosts: MxHost[], findings: Finding[]) => MxRoute;

async function resolveHost(
  resolver: Resolver,
  { preference, exchange }: { preference: number; exchange: string },
): Promise<MxHost> {
  const [a, aaaa] = await Promise.all([
    resolver.lookup(exchange, "A"),
    resolver.lookup(exchange, "AAAA"),
  ]);
  return { preference, exchange, addresses: [...a.records, ...aaaa.records], a, aaaa };
}

/** RFC 5321 §5.1: with no MX, the domain itself is the host, at preference 0. */
function implicitRoute(route: Build, host: MxHost): MxRoute {
  const failed = [host.a, host.aaaa].find((l) => l.status !== "ok" && l.status !== "nodata");
  if (host.addresses.length > 0) {
    const reason =
      `no MX: mail goes to ${host.exchange}'s own address (implicit MX, RFC 5321 §5.1)`;
    return route("implicit", [host], [warning("mx", "implicit-mx", reason)]);
  }
  if (failed && failed.status !== "nxdomain") {
    return route("unknown", [], [
      error("dns", failed.status, `address lookup failed: ${failed.reason}`),
    ]);
  }
  return route("none", [], [
    error("mx", "no-mx", "no MX and no address: mail cannot be delivered"),
  ]);
}

/** Sorts the hosts and flags null MX, IP literals, CNAMEs, dangling names and repeats. */
function judgeMx(route: Build, unsorted: MxHost[]): MxRoute {
  const hosts = unsorted.sort((x, y) =>
    x.preference - y.preference || (x.exchange < y.exchange ? -1 : x.exchange > y.exchange ? 1 : 0)
  );
  // RFC 7505 §3: a null MX is a single record of preference 0 whose exchange is the root
  const nulls = hosts.filter((h) => h.exchange === "");
  if (nulls.length > 0 && hosts.length === 1 && hosts[0].preference === 0) {
    return route("null", [], [okFinding("mx", "null-mx", "null MX (RFC 7505): accepts no mail")]);
  }
  const findings: Finding[] = [];
  if (nulls.length > 0) {
    findings.push(error("mx", "null-mx-mixed", "null MX beside other MX records (RFC 7505 §3)"));
  }
  for (const host of hosts) if (host.exchange !== "") findings.push(...judgeHost(host));
  findings.push(...repeats(hosts));
  const usable = hosts.some((h) => h.addresses.length > 0);
  if (!usable) findings.push(error("mx", "no-usable-mx", "no MX host has an address"));
  return route("mx", hosts.filter((h) => h.exchange !== ""), findings);
}

function judgeHost(host: MxHost): Finding[] {
  const name = host.exchange;
  // RFC 7505 §3 and RFC 5321 §5.1: the exchange is a host name, never an address literal
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name) || name.includes(":")) {
    return [error("mx", "mx-ip-literal", `MX ${name} is an IP address, not a host name`)];
  }
  const aliased = [host.a, host.aaaa].find((l) => l.aliases.length > 0);
  if (aliased) {
    const target = aliased.aliases.at(-1);
    // RFC 2181 §10.3: an MX must not point to an alias
    return [warning("mx", "mx-cname", `MX ${name} is a CNAME to ${target} (RFC 2181 §10.3)`)];
  }
  if (host.addresses.length > 0) return [];
  const failed = [host.a, host.aaaa].find((l) =>
    l.status !== "ok" && l.status !== "nodata" && l.status !== "nxdomain"
  );
  if (failed) return [warning("dns", failed.status, `addresses of MX ${name}: ${failed.reason}`)];
  const how = host.a.status === "nxdomain" ? "does not exist" : "has no A or AAAA record";
  return [error("mx", "mx-dangling", `MX ${name} ${how}`)];
}

/** Repeated exchanges are a mistake; equal preferences are flagged, as they may be one too. */
function repeats(hosts: MxHost[]): Finding[] {
  const findings: Finding[] = [];
  const names = hosts.map((h) => h.exchange);
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    findings.push(warning("mx", "mx-repeated", `MX ${name || "."} is listed more than once`));
  }
  const prefs = hosts.map((h) => h.preference);
  for (const pref of new Set(prefs.filter((p, i) => prefs.indexOf(p) !== i))) {
    const shared = hosts.filter((h) => h.preference === pref).map((h) => h.exchange).join(", ");
    // RFC 5321 §5.1: senders pick among equal preferences at random, so none is a backup
    const reason =
      `${shared} share preference ${pref}: tried in random order, none is a backup of another`;
    findings.push(warning("mx", "mx-equal-preference", reason));
  }
  return findings;
}
