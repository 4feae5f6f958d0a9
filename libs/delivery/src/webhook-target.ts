import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

// Where a webhook may go (推送地址): a department's URL is typed by an administrator, and the worker
// POSTs to it from inside the network, so an unchecked URL would let anyone who can set one reach
// internal hosts (SSRF) and scan their ports. Only public addresses are reached, unless an operator
// allow-lists a network (WEBHOOK_ALLOWED_NETWORKS: the tests, the demo and the benchmarks post to
// receivers on 127.0.0.1); in production only over https, except to an allow-listed address.

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface WebhookTargetPolicy {
  // https only (production), except to an address of allowedNetworks written as an address.
  httpsOnly: boolean;
  // CIDRs (as webhookTargetEnv leaves them: 127.0.0.1/32, ::1/128) reached even though internal.
  allowedNetworks: readonly string[];
  // Name resolution; the system resolver unless a test gives its own.
  resolve?: (host: string) => Promise<ResolvedAddress[]>;
}

export function webhookTargetPolicy(nodeEnv: string | undefined, allowedNetworks: readonly string[] = []) {
  return { httpsOnly: nodeEnv === 'production', allowedNetworks } satisfies WebhookTargetPolicy;
}

// What the caller of the API and the attempt log are told of a refused target: the same words for
// every reason, so the log answers no question about the inside of the network.
export const TARGET_REFUSED =
  'webhook target not allowed: internal address, or http:// where https:// is required / 推送地址不被允许（内网地址，或须使用 https）';

interface Ip {
  v: 4 | 6;
  n: bigint;
}

interface Network extends Ip {
  bits: number;
}

// Ranges no webhook reaches: what is not a public unicast address. IPv6 forms embedding an IPv4
// address (mapped, compatible, NAT64, 6to4) are judged by that address.
const DENIED: [string, string][] = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared address space (CGNAT)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['100::/64', 'reserved'],
  ['2001::/32', 'reserved'],
  ['2001:db8::/32', 'reserved'],
  ['fc00::/7', 'unique local (ULA)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
];
const deniedNetworks = DENIED.map(([cidr, why]) => ({ net: parseNetwork(cidr), why }));

// An IP address in any textual form the URL parser or a resolver gives (brackets, zone id, IPv4
// dotted quad inside IPv6); undefined when it is no address (a host name).
export function parseIp(text: string): Ip | undefined {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  s = s.replace(/%.*$/, '');
  const kind = isIP(s);
  if (kind === 4) return { v: 4, n: v4(s) };
  if (kind !== 6) return undefined;
  // A dotted quad at the end (::ffff:1.2.3.4) becomes its two hex groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (quad) {
    const x = v4(quad[1]);
    s = `${s.slice(0, -quad[1].length)}${(x >> 16n).toString(16)}:${(x & 0xffffn).toString(16)}`;
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const hex = (part: string | undefined) => (part ? part.split(':').map((h) => BigInt(`0x${h}`)) : []);
  const hs = hex(head);
  const rs = hex(rest);
  const zeros = rest === undefined ? 0 : 8 - hs.length - rs.length;
  const groups = [...hs, ...Array.from({ length: zeros }, () => 0n), ...rs];
  return { v: 6, n: groups.reduce((a, g) => (a << 16n) | g, 0n) };
}

function v4(s: string): bigint {
  return s.split('.').reduce((a, o) => (a << 8n) | BigInt(Number(o)), 0n);
}

// The IPv4 address an IPv6 address stands for, if it embeds one.
function embeddedV4(ip: Ip): Ip | undefined {
  if (ip.v !== 6) return undefined;
  const top96 = ip.n >> 32n;
  const low32 = ip.n & 0xffffffffn;
  if (top96 === 0xffffn) return { v: 4, n: low32 }; // ::ffff:a.b.c.d (IPv4-mapped)
  if (top96 === 0n && ip.n > 1n) return { v: 4, n: low32 }; // ::a.b.c.d (IPv4-compatible)
  if (top96 === 0x0064ff9b0000000000000000n) return { v: 4, n: low32 }; // 64:ff9b::/96 (NAT64)
  if (ip.n >> 112n === 0x2002n) return { v: 4, n: (ip.n >> 80n) & 0xffffffffn }; // 2002::/16 (6to4)
  return undefined;
}

function parseNetwork(cidr: string): Network {
  const [addr, len, ...more] = cidr.trim().split('/');
  const ip = parseIp(addr);
  if (!ip || more.length) throw new Error(`${cidr} is not an IP address or network`);
  const max = ip.v === 4 ? 32 : 128;
  const bits = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(bits >= 0 && bits <= max)) throw new Error(`${cidr}: the prefix length must be 0 to ${max}`);
  return { ...ip, n: ip.n & mask(ip.v, bits), bits };
}

function mask(v: 4 | 6, bits: number): bigint {
  const width = BigInt(v === 4 ? 32 : 128);
  return ((1n << width) - 1n) ^ ((1n << (width - BigInt(bits))) - 1n);
}

function within(ip: Ip, net: Network): boolean {
  return ip.v === net.v && (ip.n & mask(net.v, net.bits)) === net.n;
}

// One allow-list entry (an address or a CIDR, IPv4 or IPv6) in a canonical form; throws on a bad one.
export function canonicalNetwork(entry: string): string {
  const net = parseNetwork(entry);
  if (net.v === 4) {
    const o = [24n, 16n, 8n, 0n].map((s) => String((net.n >> s) & 0xffn));
    return `${o.join('.')}/${net.bits}`;
  }
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => ((net.n >> s) & 0xffffn).toString(16));
  return `${groups.join(':')}/${net.bits}`;
}

function allowed(ip: Ip, policy: WebhookTargetPolicy): boolean {
  const nets = policy.allowedNetworks.map(parseNetwork);
  const v4form = embeddedV4(ip);
  return nets.some((n) => within(ip, n) || (v4form !== undefined && within(v4form, n)));
}

// Why this address is no public unicast address ('loopback', 'private'…), or null.
export function addressProblem(address: string): string | null {
  const ip = parseIp(address);
  if (!ip) return 'not an IP address';
  const v4form = embeddedV4(ip);
  for (const judged of v4form ? [ip, v4form] : [ip])
    for (const { net, why } of deniedNetworks) if (within(judged, net)) return why;
  return null;
}

// The check that needs no name resolution, made when the URL is set (the API) and again before each
// attempt: the scheme, and the address when the host is written as one. null: nothing refused yet.
export function staticTargetProblem(url: URL, policy: WebhookTargetPolicy): string | null {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${url.protocol} is not http(s)`;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const ip = parseIp(host);
  if (ip && allowed(ip, policy)) return null;
  if (url.protocol === 'http:' && policy.httpsOnly) return 'http:// in production (https:// required)';
  if (ip) {
    const why = addressProblem(host);
    return why && `${host} is ${why}`;
  }
  // RFC 6761: these names are the machine itself whatever DNS says.
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is loopback`;
  return null;
}

// Resolves the host once and checks every address it has: the connection is then made to the address
// returned here (pinned), so a second, different DNS answer (rebinding) is never used.
export async function resolveTarget(
  url: URL,
  policy: WebhookTargetPolicy,
): Promise<{ ok: true; address: string; family: number } | { ok: false; problem: string }> {
  const problem = staticTargetProblem(url, policy);
  if (problem) return { ok: false, problem };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await (policy.resolve ?? systemResolve)(host);
  if (!addresses.length) return { ok: false, problem: `${host} has no address` };
  for (const a of addresses) {
    const ip = parseIp(a.address);
    if (!ip) return { ok: false, problem: `${host} resolved to ${a.address}, not an address` };
    if (allowed(ip, policy)) continue;
    const why = addressProblem(a.address);
    if (why) return { ok: false, problem: `${host} resolves to ${a.address} (${why})` };
  }
  return { ok: true, address: addresses[0].address, family: addresses[0].family };
}

function systemResolve(host: string): Promise<ResolvedAddress[]> {
  return lookup(host, { all: true, verbatim: true });
}
