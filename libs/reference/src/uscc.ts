import type { LocalizedText } from './localized-text';

// 统一社会信用代码 (unified social credit code), GB 32100-2015.
// 18 characters: registration authority (1), entity category (1), region code GB/T 2260 (6),
// organisation code GB 11714 (8 body + 1 check), and a final mod-31 check character.

export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'; // 31 characters: no I, O, Z, S, V
const CHARSET_VALUE = new Map([...USCC_CHARSET].map((c, i) => [c, i]));
// Weight of position i (1-based) is 3^(i-1) mod 31.
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
// Registration authority codes of GB 32100-2015 table 1 (1 organisation code authorities … 9 market
// supervision, A central military commission reform office, N agriculture, Y others).
const AUTHORITY_CODES = new Set('123456789ANY');

export type UsccCheck = { valid: true } | { valid: false; reason: LocalizedText };

function fail(en: string, zh: string): UsccCheck {
  return { valid: false, reason: { en, zh } };
}

// Both check-character functions throw on malformed input: silently computing over NaN used to
// yield undefined / 'NaN' and let makeUscc build 21-character codes.
export function usccCheckChar(first17: string): string {
  if (typeof first17 !== 'string' || first17.length !== 17 || [...first17].some((c) => !CHARSET_VALUE.has(c)))
    throw new RangeError(
      `usccCheckChar: expected 17 characters from ${USCC_CHARSET}, got ${JSON.stringify(first17)}`,
    );
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (CHARSET_VALUE.get(first17[i]) ?? 0) * USCC_WEIGHTS[i];
  return USCC_CHARSET[(31 - (sum % 31)) % 31];
}

// GB 11714 organisation code check character over its 8-character body (digits and letters A=10 … Z=35).
export function orgCodeCheckChar(body8: string): string {
  if (typeof body8 !== 'string' || !/^[0-9A-Z]{8}$/.test(body8))
    throw new RangeError(
      `orgCodeCheckChar: expected 8 digits or upper-case letters, got ${JSON.stringify(body8)}`,
    );
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body8.charCodeAt(i);
    sum += (c <= 57 ? c - 48 : c - 55) * ORG_WEIGHTS[i];
  }
  const r = 11 - (sum % 11);
  return r === 10 ? 'X' : r === 11 ? '0' : String(r);
}

export function checkUscc(code: unknown): UsccCheck {
  if (typeof code !== 'string') return fail('USCC must be a string', '统一社会信用代码必须为字符串');
  if (code.length !== 18)
    return fail(
      `USCC must have 18 characters, got ${code.length}`,
      `统一社会信用代码应为18位，实际${code.length}位`,
    );
  for (const c of code) {
    if (!CHARSET_VALUE.has(c))
      return fail(
        `USCC contains '${c}', not allowed (digits and upper-case letters except I, O, Z, S, V)`,
        `统一社会信用代码含非法字符“${c}”`,
      );
  }
  if (!AUTHORITY_CODES.has(code[0]))
    return fail(
      `USCC registration authority code '${code[0]}' is not defined`,
      `登记管理部门代码“${code[0]}”无效`,
    );
  if (!/^\d{6}$/.test(code.slice(2, 8)))
    return fail(
      'USCC characters 3-8 must be a 6-digit region code',
      '统一社会信用代码第3-8位应为6位行政区划代码',
    );
  const org = code.slice(8, 17);
  const expectedOrg = orgCodeCheckChar(org.slice(0, 8));
  if (org[8] !== expectedOrg)
    return fail(
      `USCC organisation code check character is '${org[8]}', expected '${expectedOrg}'`,
      `组织机构代码校验码错误，应为“${expectedOrg}”`,
    );
  const expected = usccCheckChar(code.slice(0, 17));
  if (code[17] !== expected)
    return fail(
      `USCC check character is '${code[17]}', expected '${expected}'`,
      `统一社会信用代码校验码错误，应为“${expected}”`,
    );
  return { valid: true };
}

export function isValidUscc(code: unknown): code is string {
  return checkUscc(code).valid;
}

// Builds a valid USCC from its parts, computing both check characters. orgBody: 8 characters from
// USCC_CHARSET (digits and A-H, J-N, P-R, T-U, W-Y). Throws on malformed parts.
export function makeUscc(parts: {
  authority: string;
  category: string;
  regionCode: string;
  orgBody: string;
}): string {
  const { authority, category, regionCode, orgBody } = parts;
  const inCharset = (s: string): boolean => [...s].every((c) => CHARSET_VALUE.has(c));
  // orgBody must also avoid I, O, Z, S, V: GB 11714 allows them, but the USCC charset does not.
  if (
    !AUTHORITY_CODES.has(authority) ||
    category.length !== 1 ||
    !inCharset(category) ||
    !/^\d{6}$/.test(regionCode) ||
    orgBody.length !== 8 ||
    !inCharset(orgBody)
  )
    throw new RangeError(`makeUscc: malformed parts ${JSON.stringify(parts)}`);
  const first17 = `${authority}${category}${regionCode}${orgBody}${orgCodeCheckChar(orgBody)}`;
  return first17 + usccCheckChar(first17);
}
