import { type MxRoute, resolveMxRoute, Resolver } from "../lib/dns/mod.ts";
import {
  type ClientConnectionOptions,
  type ClientRun,
  ClientSession,
  type ClientSessionOptions,
  type MailTransaction,
  type RecipientRequest,
  runClientSession,
} from "../lib/smtp/client/mod.ts";
import { ExitCode } from "../lib/sysexits.ts";
import { printSummary, sendExitCode, sendResult } from "./send_report.ts";
import type { SendOptions } from "./send_run.ts";

/** How the connections are made, whichever host they go to. */
type Connection = Omit<ClientConnectionOptions, "hostname" | "port">;

/** What became of the recipients at one domain. */
interface DomainDelivery {
  domain: string;
  route?: MxRoute;
  /** Hosts tried before the one that answered, and why they were passed over. */
  attempts: { server: string; error: string }[];
  server?: string;
  run?: ClientRun;
  /** Why nothing was sent, when no session took place. */
  problem?: string;
  exitCode: number;
}

/** Exit codes from least to most serious, to report the worst of several domains. */
const SEVERITY: number[] = [
  ExitCode.Ok,
  ExitCode.TempFail,
  ExitCode.NoHost,
  ExitCode.Unavailable,
];

/**
 * Sends to the MX of each recipient's domain (RFC 5321 §5.1), one session per domain, and
 * prints the outcome of each; returns the worst exit code.
 */
export async function sendByMx(
  transaction: MailTransaction,
  domains: string[],
  options: SendOptions,
  connection: Connection,
  sessionOptions: Omit<ClientSessionOptions, "transactions">,
): Promise<number> {
  const resolver = new Resolver({
    nameServer: options.resolver &&
      { ipAddr: options.resolver.hostname, port: options.resolver.port },
    timeoutMs: options.timeout,
  });
  const deliveries: DomainDelivery[] = [];
  try {
    for (const [domain, recipients] of groupByDomain(transaction.recipients, domains)) {
      const session = () =>
        new ClientSession({ ...sessionOptions, transactions: [{ ...transaction, recipients }] });
      deliveries.push(await deliverDomain(resolver, domain, session, options.port, connection));
    }
  } finally {
    resolver.close();
  }
  return report(deliveries, options);
}

/** Recipients by domain (A-labels), in the order the domains first appear. */
function groupByDomain(recipients: RecipientRequest[], domains: string[]) {
  const groups = new Map<string, RecipientRequest[]>();
  recipients.forEach((recipient, i) => {
    const group = groups.get(domains[i]) ?? [];
    groups.set(domains[i], [...group, recipient]);
  });
  return groups;
}

async function deliverDomain(
  resolver: Resolver,
  domain: string,
  session: () => ClientSession,
  port: number,
  connection: Connection,
): Promise<DomainDelivery> {
  // RFC 5321 §4.1.3: an address literal is the host itself.
  const literal = /^\[(?:IPv6:)?(.*)\]$/i.exec(domain)?.[1];
  const route = literal === undefined ? await resolveMxRoute(resolver, domain) : undefined;
  const delivery: DomainDelivery = { domain, route, attempts: [], exitCode: ExitCode.TempFail };
  const refusal = route && routeProblem(route);
  if (refusal) return { ...delivery, ...refusal };
  const hosts = literal !== undefined
    ? [{ exchange: literal, address: literal }]
    : route!.hosts.flatMap((h) =>
      h.addresses.map((address) => ({ exchange: h.exchange, address }))
    );
  // RFC 5321 §5.1: the hosts in preference order, every address of each, until one answers.
  for (const { exchange, address } of hosts) {
    const server = exchange === address ? `${address}:${port}` : `${exchange}[${address}]:${port}`;
    // RFC 7672 §3.2.2 (and RFC 3207): the certificate is checked against the MX host's name.
    const tls = { ...connection.tls, serverName: exchange };
    const run = await runClientSession(session(), { ...connection, tls, hostname: address, port });
    if (!unreachable(run)) return { ...delivery, server, run, exitCode: sendExitCode(run) };
    delivery.attempts.push({ server, error: run.error?.message ?? run.session.failure!.reason });
  }
  return { ...delivery, problem: `no mail host of ${domain} could be reached` };
}

/** Routes that give no host to try, with the exit code they mean. */
function routeProblem(route: MxRoute): { problem: string; exitCode: number } | undefined {
  switch (route.kind) {
    case "null": // RFC 7505 §4.1: a domain with a null MX accepts no mail
      return {
        problem: `${route.domain} accepts no mail (null MX)`,
        exitCode: ExitCode.Unavailable,
      };
    case "nxdomain":
      return { problem: `${route.domain} does not exist (NXDOMAIN)`, exitCode: ExitCode.NoHost };
    case "none":
      return { problem: `${route.domain} has no MX and no address`, exitCode: ExitCode.NoHost };
    case "unknown":
      return {
        problem: `DNS failed for ${route.domain}: ${route.mx.reason}`,
        exitCode: ExitCode.TempFail,
      };
    default:
      return undefined;
  }
}

/** Not reached, or turned away at the greeting with a 4xx: worth trying the next host. */
function unreachable(run: ClientRun): boolean {
  const { greeting, failure } = run.session;
  if (run.error !== undefined && greeting === undefined) return true;
  return failure?.stage === "banner" && failure.reply !== undefined && failure.reply.code < 500;
}

function report(deliveries: DomainDelivery[], options: SendOptions): number {
  const exitCode = deliveries.map((d) => d.exitCode)
    .reduce((worst, code) => SEVERITY.indexOf(code) > SEVERITY.indexOf(worst) ? code : worst);
  if (options.json) {
    console.log(JSON.stringify({ deliveries: deliveries.map(deliveryJson), exitCode }));
    return exitCode;
  }
  for (const d of deliveries) {
    for (const a of d.attempts) console.error(`postie send: ${d.domain}: ${a.server}: ${a.error}`);
    if (d.problem) console.error(`postie send: ${d.problem}`);
    if (d.run) printSummary(d.run, `${d.domain} via ${d.server}`, options.quitAfter);
  }
  return exitCode;
}

function deliveryJson(d: DomainDelivery) {
  const route = d.route && {
    kind: d.route.kind,
    hosts: d.route.hosts.map((h) => ({
      preference: h.preference,
      exchange: h.exchange,
      addresses: h.addresses,
    })),
  };
  return {
    domain: d.domain,
    route: route ?? null,
    attempts: d.attempts,
    problem: d.problem ?? null,
    ...(d.run && d.server ? sendResult(d.run, d.server) : {}),
    exitCode: d.exitCode,
  };
}
