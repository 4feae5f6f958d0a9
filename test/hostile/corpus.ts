// The hostile-input corpus (issue 13, "Bad input, widened"): values an attacker or a broken exporter
// sends in any string field, and JSON documents that mean something else than they say. Every route
// in routes.ts is driven with them (hostile-input.integration-spec.ts); the file path (CSV, NDJSON,
// XLSX cells) with the same values (hostile-files-text.integration-spec.ts).
//
// `refused`: no field of Lianjian accepts it — the answer is a 4xx (or, for a record, a per-record
// reason) and nothing is stored. `odd`: legal text that looks like an attack — whatever the answer,
// never a 5xx.

export interface HostileText {
  name: string;
  value: string;
  refused: boolean;
}

export const HOSTILE_TEXT: HostileText[] = [
  { name: 'NUL', value: 'A\u0000B', refused: true },
  { name: 'NUL alone', value: '\u0000', refused: true },
  { name: 'lone high surrogate', value: 'A\uD800B', refused: true },
  { name: 'lone low surrogate', value: '\uDC00', refused: true },
  { name: 'C0 controls (ESC colour)', value: 'A\u0001\u001B[31mB', refused: true },
  { name: 'DEL and C1', value: 'A\u007F\u0085\u009BB', refused: true },
  { name: 'RTL override', value: '恒信科技\u202Egpj.exe', refused: true },
  { name: 'bidi isolate', value: '\u2067ABC\u2069', refused: true },
  { name: '100 kB of text', value: 'x'.repeat(100_000), refused: true },
  { name: '100 kB of CJK', value: '监'.repeat(100_000), refused: true },
  { name: 'SQL-looking', value: "1' OR '1'='1'; DROP TABLE entity; --", refused: false },
  { name: 'path traversal', value: '../../../etc/passwd', refused: false },
  { name: 'template and HTML', value: '${7*7}{{7*7}}<script>alert(1)</script>', refused: false },
  { name: 'emoji, BOM and zero-width', value: '\uFEFF企业😀\u200B\u200D名称', refused: false },
  { name: 'percent-encoded NUL as text', value: '%00%2e%2e', refused: false },
];

// What a path or query parameter carries on the wire: already percent-encoded. Invalid UTF-8 and
// encoded NUL are what a URL can hold that a JSON string cannot.
export interface HostileSegment {
  name: string;
  encoded: string;
  refused: boolean;
  // Express refuses it in a path (it cannot be decoded); in a query it decodes leniently, to U+FFFD
  // or the text as sent, which is harmless: odd there.
  pathOnly?: true;
}

const enc = (s: string) => encodeURIComponent(s);
export const HOSTILE_SEGMENTS: HostileSegment[] = [
  ...HOSTILE_TEXT.filter((t) => !t.name.includes('surrogate') && !t.name.includes('100 kB')).map((t) => ({
    name: t.name,
    encoded: enc(t.value),
    refused: t.refused,
  })),
  { name: 'lone surrogate as CESU bytes', encoded: '%ED%A0%80', refused: true, pathOnly: true },
  { name: 'invalid UTF-8', encoded: '%FF%FE', refused: true, pathOnly: true },
  { name: 'truncated escape', encoded: 'abc%', refused: true, pathOnly: true },
  { name: '20 kB', encoded: 'x'.repeat(20_000), refused: true },
  { name: 'encoded slash and dots', encoded: '..%2F..%2Fhealth', refused: false },
];

// Whole JSON bodies, as text, for every route that takes one (`base` is the route's valid body).
export interface HostileJson {
  name: string;
  text(base: Record<string, unknown>): string;
  // 'refused': a 400 invalid_json whatever the route; 'no-effect': any non-5xx answer, and
  // Object.prototype unchanged.
  expect: 'refused' | 'no-effect';
}

// The route's valid body with `extra` members added after (or before) its own.
const withExtra = (b: Record<string, unknown>, extra: string, before = false) => {
  const own = JSON.stringify(b).slice(1, -1);
  if (!own) return `{${extra}}`;
  return before ? `{${extra},${own}}` : `{${own},${extra}}`;
};
const nest = (depth: number, open: string, close: string, inner = '1') =>
  open.repeat(depth) + inner + close.repeat(depth);

export const HOSTILE_JSON: HostileJson[] = [
  {
    name: 'duplicate key',
    text: (b) =>
      Object.keys(b).length ? withExtra(b, `"${Object.keys(b)[0]}":"second"`) : '{"x":1,"x":"second"}',
    expect: 'refused',
  },
  {
    name: 'duplicate key, nested',
    text: (b) => withExtra(b, `"zz":{"a":1,"a":2}`),
    expect: 'refused',
  },
  {
    name: '__proto__ key',
    text: (b) => withExtra(b, '"__proto__":{"polluted":"yes","isAdmin":true}', true),
    expect: 'refused',
  },
  {
    name: 'constructor.prototype key',
    text: (b) => withExtra(b, `"constructor":{"prototype":{"polluted":"yes"}}`),
    expect: 'refused',
  },
  {
    name: 'nested __proto__',
    text: (b) => withExtra(b, `"a":[{"__proto__":{"polluted":"yes"}}]`),
    expect: 'refused',
  },
  {
    name: 'integer beyond 2^53',
    text: (b) => withExtra(b, `"n":9007199254740993`),
    expect: 'refused',
  },
  { name: 'number beyond a double', text: () => '{"n":1e400}', expect: 'refused' },
  { name: 'arrays nested 100,000 deep', text: () => nest(100_000, '[', ']'), expect: 'refused' },
  {
    name: 'objects nested 5,000 deep',
    text: (b) => withExtra(b, `"a":${nest(5_000, '{"a":', '}')}`),
    expect: 'refused',
  },
  { name: 'a bare string', text: () => '"just a string"', expect: 'no-effect' },
  { name: 'null', text: () => 'null', expect: 'no-effect' },
  { name: 'an array', text: () => '[1,2,3]', expect: 'no-effect' },
  { name: 'a safe big float', text: (b) => withExtra(b, `"f":1.5e300`), expect: 'no-effect' },
];
