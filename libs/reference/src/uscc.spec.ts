import { checkUscc, isValidUscc, makeUscc, orgCodeCheckChar, USCC_CHARSET, usccCheckChar } from './uscc';

// Published codes of real companies, independent of our implementation.
const REAL_CODES = [
  '91330106MA2CXB7KXK', // API.md example
  '91330100716105852F', // 阿里巴巴（中国）有限公司
  '9144030071526726XG', // 深圳市腾讯计算机系统有限公司
  '914403001922038216', // 华为技术有限公司
];
const EXAMPLE = REAL_CODES[0];

// Deterministic PRNG (mulberry32) so a failing round trip can be replayed.
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function reasonOf(code: unknown): { zh: string; en: string } {
  const result = checkUscc(code);
  if (result.valid) throw new Error(`expected ${String(code)} to be invalid`);
  return result.reason;
}

describe('checkUscc', () => {
  it.each(REAL_CODES)('accepts %s', (code) => {
    expect(checkUscc(code)).toEqual({ valid: true });
    expect(isValidUscc(code)).toBe(true);
  });

  it('computes the organisation code check characters of the real codes', () => {
    expect(orgCodeCheckChar('MA2CXB7K')).toBe('X');
    expect(orgCodeCheckChar('71610585')).toBe('2');
    expect(orgCodeCheckChar('71526726')).toBe('X');
    expect(orgCodeCheckChar('19220382')).toBe('1');
  });

  it('refuses every other final check character', () => {
    const others = [...USCC_CHARSET].filter((c) => c !== EXAMPLE[17]);
    expect(others).toHaveLength(30);
    for (const c of others) {
      const reason = reasonOf(EXAMPLE.slice(0, 17) + c);
      expect(reason.en).toBe(`USCC check character is '${c}', expected 'K'`);
      expect(reason.zh).toContain('校验码错误');
    }
  });

  it('refuses a wrong organisation code check character even when the final check character fits', () => {
    const first17 = `${EXAMPLE.slice(0, 16)}0`;
    const code = first17 + usccCheckChar(first17);
    const reason = reasonOf(code);
    expect(reason.en).toBe("USCC organisation code check character is '0', expected 'X'");
    expect(reason.zh).toContain('组织机构代码');
  });

  it.each(['I', 'O', 'Z', 'S', 'V'])('refuses the forbidden letter %s', (letter) => {
    const reason = reasonOf(`${EXAMPLE.slice(0, 9)}${letter}${EXAMPLE.slice(10)}`);
    expect(reason.en).toContain(`'${letter}'`);
    expect(reason.zh).toContain('非法字符');
  });

  it.each([
    ['17 characters', EXAMPLE.slice(0, 17)],
    ['19 characters', `${EXAMPLE}1`],
    ['empty', ''],
  ])('refuses a wrong length (%s)', (_label, code) => {
    expect(reasonOf(code).en).toMatch(/must have 18 characters/);
  });

  it('refuses lower case', () => {
    expect(isValidUscc(EXAMPLE.toLowerCase())).toBe(false);
    expect(reasonOf('91330106ma2cxb7kxk').en).toContain("'m'");
  });

  it.each(['0', 'B', 'X'])('refuses the undefined registration authority code %s', (authority) => {
    expect(reasonOf(authority + EXAMPLE.slice(1)).en).toBe(
      `USCC registration authority code '${authority}' is not defined`,
    );
  });

  it('refuses a region part that is not 6 digits', () => {
    expect(reasonOf(`9133A106${EXAMPLE.slice(8)}`).en).toMatch(/6-digit region code/);
  });

  it('refuses non-strings', () => {
    expect(isValidUscc(undefined)).toBe(false);
    expect(isValidUscc(913301061234)).toBe(false);
  });
});

describe('makeUscc', () => {
  const random = prng(20240601);
  const pick = (chars: string): string => chars[Math.floor(random() * chars.length)];
  const parts = Array.from({ length: 500 }, () => ({
    authority: pick('123456789ANY'),
    category: pick(USCC_CHARSET),
    regionCode: Array.from({ length: 6 }, () => pick('0123456789')).join(''),
    orgBody: Array.from({ length: 8 }, () => pick(USCC_CHARSET)).join(''),
  }));

  it('rebuilds the real codes from their parts', () => {
    for (const code of REAL_CODES) {
      const rebuilt = makeUscc({
        authority: code[0],
        category: code[1],
        regionCode: code.slice(2, 8),
        orgBody: code.slice(8, 16),
      });
      expect(rebuilt).toBe(code);
    }
  });

  it('builds codes that checkUscc accepts, for 500 random bodies', () => {
    for (const p of parts) {
      const code = makeUscc(p);
      expect(code).toHaveLength(18);
      expect(code.slice(0, 16)).toBe(`${p.authority}${p.category}${p.regionCode}${p.orgBody}`);
      expect(checkUscc(code)).toEqual({ valid: true });
    }
  });

  it('builds codes in which every single-character substitution is detected', () => {
    for (const p of parts.slice(0, 20)) {
      const code = makeUscc(p);
      for (let i = 0; i < 18; i++) {
        for (const c of USCC_CHARSET) {
          if (c === code[i]) continue;
          expect(isValidUscc(code.slice(0, i) + c + code.slice(i + 1))).toBe(false);
        }
      }
    }
  });

  it.each([
    ['a lower-case organisation body', { orgBody: 'ma2cxb7k' }],
    ['a forbidden letter in the organisation body', { orgBody: 'MA2CXB7I' }],
    ['a short organisation body', { orgBody: 'MA2CXB7' }],
    ['an undefined authority', { authority: 'B' }],
    ['a non-numeric region', { regionCode: '33A106' }],
    ['an empty category', { category: '' }],
  ])('throws on %s', (_label, override) => {
    const base = { authority: '9', category: '1', regionCode: '330106', orgBody: 'MA2CXB7K' };
    expect(() => makeUscc({ ...base, ...override })).toThrow(RangeError);
  });
});

describe('check character functions', () => {
  it('throw on malformed input instead of returning garbage', () => {
    expect(() => usccCheckChar('91330106MA2CXB7K')).toThrow(RangeError);
    expect(() => usccCheckChar('91330106ma2cxb7kx')).toThrow(RangeError);
    expect(() => orgCodeCheckChar('ma2cxb7k')).toThrow(RangeError);
    expect(() => orgCodeCheckChar('MA2CXB7')).toThrow(RangeError);
  });
});
