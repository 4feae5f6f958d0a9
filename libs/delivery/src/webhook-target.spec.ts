import {
  addressProblem,
  canonicalNetwork,
  resolveTarget,
  staticTargetProblem,
  type WebhookTargetPolicy,
} from './webhook-target';

const open: WebhookTargetPolicy = { httpsOnly: false, allowedNetworks: [] };
const production: WebhookTargetPolicy = { httpsOnly: true, allowedNetworks: [] };

// Every way of writing an internal address that a URL parser or a resolver lets through.
const INTERNAL: [string, string][] = [
  ['http://127.0.0.1/', 'loopback'],
  ['http://127.255.255.254/', 'loopback'],
  ['http://2130706433/', 'loopback'], // decimal
  ['http://0177.0.0.1/', 'loopback'], // octal
  ['http://0x7f.0.0.1/', 'loopback'], // hex
  ['http://0x7f000001/', 'loopback'],
  ['http://017700000001/', 'loopback'],
  ['http://127.1/', 'loopback'], // shorthand
  ['http://[::1]/', 'loopback'],
  ['http://[0:0:0:0:0:0:0:1]/', 'loopback'],
  ['http://[::ffff:127.0.0.1]/', 'loopback'], // IPv4-mapped
  ['http://[::ffff:7f00:1]/', 'loopback'],
  ['http://[0:0:0:0:0:ffff:127.0.0.1]/', 'loopback'],
  ['http://[::127.0.0.1]/', 'loopback'], // IPv4-compatible
  ['http://[64:ff9b::127.0.0.1]/', 'loopback'], // NAT64
  ['http://[2002:7f00:1::]/', 'loopback'], // 6to4
  ['http://localhost/', 'loopback'],
  ['http://LOCALHOST./', 'loopback'],
  ['http://api.localhost/', 'loopback'],
  ['http://10.0.0.1/', 'private'],
  ['http://10.255.255.255/', 'private'],
  ['http://172.16.0.1/', 'private'],
  ['http://172.31.255.255/', 'private'],
  ['http://192.168.1.1/', 'private'],
  ['http://0xc0.0xa8.1.1/', 'private'],
  ['http://3232235777/', 'private'], // 192.168.1.1 in decimal
  ['http://[::ffff:10.1.2.3]/', 'private'],
  ['http://169.254.169.254/', 'link-local'], // cloud metadata
  ['http://[::ffff:169.254.169.254]/', 'link-local'],
  ['http://[fe80::1]/', 'link-local'],
  ['http://[febf::1]/', 'link-local'],
  ['http://[fc00::1]/', 'unique local (ULA)'],
  ['http://[fd12:3456:789a::1]/', 'unique local (ULA)'],
  ['http://100.64.0.1/', 'shared address space (CGNAT)'],
  ['http://100.127.255.255/', 'shared address space (CGNAT)'],
  ['http://0.0.0.0/', 'unspecified'],
  ['http://0/', 'unspecified'],
  ['http://[::]/', 'unspecified'],
  ['http://224.0.0.1/', 'multicast'],
  ['http://239.255.255.250/', 'multicast'],
  ['http://[ff02::1]/', 'multicast'],
  ['http://255.255.255.255/', 'reserved'],
  ['http://[::ffff:0.0.0.0]/', 'unspecified'],
];

const PUBLIC = [
  'http://8.8.8.8/',
  'http://172.32.0.1/',
  'http://172.15.255.255/',
  'http://100.128.0.1/',
  'http://100.63.255.255/',
  'http://192.169.0.1/',
  'http://[2606:4700:4700::1111]/',
  'http://[::ffff:8.8.8.8]/',
  'http://tax.example.gov.cn/hook',
];

describe('webhook targets: internal addresses in every form are refused', () => {
  it.each(INTERNAL)('%s is %s', (url, why) => {
    const problem = staticTargetProblem(new URL(url), open);
    expect(problem).toMatch(new RegExp(` is ${why.replace(/[()]/g, '\\$&')}$`));
  });

  it.each(PUBLIC)('%s is not refused before resolution', (url) => {
    expect(staticTargetProblem(new URL(url), open)).toBeNull();
  });

  it('judges addresses as resolvers return them', () => {
    expect(addressProblem('::ffff:127.0.0.1')).toBe('loopback');
    expect(addressProblem('fe80::1%eth0')).toBe('link-local');
    expect(addressProblem('[::1]')).toBe('loopback');
    expect(addressProblem('93.184.216.34')).toBeNull();
    expect(addressProblem('example.org')).toBe('not an IP address');
  });

  it('refuses other schemes, and http:// in production unless the address is allow-listed', () => {
    expect(staticTargetProblem(new URL('ftp://example.org/x'), open)).toMatch(/ftp: is not http/);
    expect(staticTargetProblem(new URL('file:///etc/passwd'), open)).toMatch(/file: is not http/);
    expect(staticTargetProblem(new URL('http://tax.example.gov.cn/hook'), production)).toMatch(
      /https:\/\/ required/,
    );
    expect(staticTargetProblem(new URL('http://8.8.8.8/'), production)).toMatch(/https:\/\/ required/);
    expect(staticTargetProblem(new URL('https://tax.example.gov.cn/hook'), production)).toBeNull();
    const lab = { httpsOnly: true, allowedNetworks: ['10.20.0.0/16', '127.0.0.1/32'].map(canonicalNetwork) };
    expect(staticTargetProblem(new URL('http://10.20.3.4:8080/hook'), lab)).toBeNull();
    expect(staticTargetProblem(new URL('http://[::ffff:10.20.3.4]/hook'), lab)).toBeNull();
    expect(staticTargetProblem(new URL('http://0x7f.1/hook'), lab)).toBeNull();
    expect(staticTargetProblem(new URL('http://10.21.0.1/'), lab)).toMatch(/https:\/\/ required/);
    expect(staticTargetProblem(new URL('https://10.21.0.1/'), lab)).toMatch(/10.21.0.1 is private/);
    expect(staticTargetProblem(new URL('http://127.0.0.2/'), lab)).toMatch(/https:\/\/ required/);
  });
});

describe('webhook targets: names are resolved once, every address checked, the first one pinned', () => {
  const resolver = (addresses: string[]) => {
    const calls: string[] = [];
    const resolve = async (host: string) => {
      calls.push(host);
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    return { calls, resolve };
  };

  it('pins a public address, and asks the resolver once', async () => {
    const r = resolver(['93.184.216.34', '2606:2800:220:1::1']);
    const got = await resolveTarget(new URL('https://tax.example.gov.cn/hook'), {
      ...open,
      resolve: r.resolve,
    });
    expect(got).toEqual({ ok: true, address: '93.184.216.34', family: 4 });
    expect(r.calls).toEqual(['tax.example.gov.cn']);
  });

  it.each([
    [['10.0.0.5'], /resolves to 10.0.0.5 \(private\)/],
    [['93.184.216.34', '127.0.0.1'], /resolves to 127.0.0.1 \(loopback\)/],
    [['::ffff:169.254.169.254'], /\(link-local\)/],
    [['fd00::1'], /\(unique local \(ULA\)\)/],
    [[], /has no address/],
  ] as [string[], RegExp][])('refuses a name resolving to %j', async (addresses, why) => {
    const r = resolver(addresses);
    const got = await resolveTarget(new URL('https://rebind.example.org/hook'), {
      ...open,
      resolve: r.resolve,
    });
    expect(got).toEqual({ ok: false, problem: expect.stringMatching(why) });
  });

  it('lets a name reach an allow-listed internal network', async () => {
    const r = resolver(['10.20.0.7']);
    const policy = { ...open, allowedNetworks: [canonicalNetwork('10.20.0.0/16')], resolve: r.resolve };
    expect(await resolveTarget(new URL('https://hooks.intranet.example/x'), policy)).toEqual({
      ok: true,
      address: '10.20.0.7',
      family: 4,
    });
  });

  it('does not resolve an address written as one', async () => {
    const r = resolver(['10.0.0.1']);
    expect(await resolveTarget(new URL('https://8.8.8.8/'), { ...open, resolve: r.resolve })).toEqual({
      ok: true,
      address: '8.8.8.8',
      family: 4,
    });
    expect(r.calls).toEqual([]);
  });
});
