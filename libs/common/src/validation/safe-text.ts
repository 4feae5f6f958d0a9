// Text from outside (API bodies, queries, path parameters, records, file cells) is refused when it
// carries what no name, reason or identifier needs and what breaks storage or display:
// - NUL (PostgreSQL refuses \u0000 in text and jsonb: it was a 500);
// - lone UTF-16 surrogates (not text at all: jsonb refuses them, UTF-8 turns them into U+FFFD);
// - other control characters (C0 but tab, line feed and carriage return; DEL; C1);
// - bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make
//   '恒信科技\u202Egpj.exe' display as something it is not (Trojan Source). The marks U+200E/U+200F stay.
// Every check reports one bilingual reason; `textProblem` is the one place that decides.

// eslint-disable-next-line no-control-regex
const DISALLOWED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Longest string accepted anywhere in an API body or query unless its schema says less.
export const MAX_TEXT_CHARS = 10_000;
// Deepest nesting of objects and arrays accepted in a body (and walked by the checks below).
export const MAX_NESTING = 32;

// Anything textProblem looks at twice: most text has none of it and is answered by this one test.
const SUSPECT =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/;

export function textProblem(s: string, max = MAX_TEXT_CHARS): string | undefined {
  if (s.length > max)
    return `is too long (${s.length} characters, at most ${max}) / 内容过长（最多 ${max} 个字符）`;
  if (!SUSPECT.test(s)) return undefined;
  const m = DISALLOWED.exec(s);
  if (m) {
    const code = m[0].charCodeAt(0);
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    if (code === 0) return 'contains a NUL character (U+0000) / 含有空字符（U+0000）';
    if (code >= 0x202a) return `contains a bidirectional override (${hex}) / 含有双向文本控制字符（${hex}）`;
    return `contains a control character (${hex}) / 含有控制字符（${hex}）`;
  }
  if (LONE_SURROGATE.test(s))
    return 'contains a lone UTF-16 surrogate (not valid text) / 含有无效的 UTF-16 代理字符';
  return undefined;
}

// Every unsafe string (values and keys) of a parsed document, as "<path>: <problem>" in the wording
// of formatZodIssues; and nesting deeper than maxDepth. Stops after `limit` problems.
export function unsafeTextIssues(
  value: unknown,
  opts: { root?: string; max?: number; maxDepth?: number; limit?: number } = {},
): string[] {
  const out: string[] = [];
  const max = opts.max ?? MAX_TEXT_CHARS;
  const maxDepth = opts.maxDepth ?? MAX_NESTING;
  const limit = opts.limit ?? 20;
  const root = opts.root ?? '(root)';
  const at = (path: string) => (path === '' ? root : path);
  const walk = (v: unknown, path: string, depth: number): void => {
    if (out.length >= limit) return;
    if (typeof v === 'string') {
      const p = textProblem(v, max);
      if (p) out.push(`${at(path)}: ${p}`);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    if (depth >= maxDepth) {
      out.push(`${at(path)}: is nested too deeply (at most ${maxDepth} levels) / 嵌套层级过深`);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1));
      return;
    }
    for (const [k, item] of Object.entries(v)) {
      const p = textProblem(k, 200);
      const keyPath = path === '' ? k : `${path}.${k}`;
      if (p) out.push(`${at(path)}: a field name ${p}`);
      else walk(item, keyPath, depth + 1);
      if (out.length >= limit) return;
    }
  };
  walk(value, '', 0);
  return out;
}

// What is kept of refused input (a refused record's raw JSON, a file's raw row, the reasons that quote
// it) must be storable whatever it holds: NUL and lone surrogates become visible escapes (\u0000),
// so the evidence survives and PostgreSQL accepts it. Other text is kept as it came.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export function storableText(s: string): string {
  return s.replace(UNSTORABLE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

export function storableJson<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  // Deeper than a document we accept: kept as its JSON text, escaped (a refused row is evidence).
  if (depth > MAX_NESTING) return storableText(JSON.stringify(value)) as T;
  if (Array.isArray(value)) return value.map((v) => storableJson(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    Object.defineProperty(out, storableText(k), {
      value: storableJson(v, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out as T;
}
