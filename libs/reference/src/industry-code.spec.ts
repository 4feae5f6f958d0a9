import {
  checkIndustryCode,
  INDUSTRY_DIVISIONS,
  INDUSTRY_SECTIONS,
  industryDivision,
  industryName,
  industrySection,
  isValidIndustryCode,
} from './industry-code';

// Division ranges of each section, as printed in GB/T 4754-2017.
const SECTION_RANGES: Record<string, [number, number]> = {
  A: [1, 5],
  B: [6, 12],
  C: [13, 43],
  D: [44, 46],
  E: [47, 50],
  F: [51, 52],
  G: [53, 60],
  H: [61, 62],
  I: [63, 65],
  J: [66, 69],
  K: [70, 70],
  L: [71, 72],
  M: [73, 75],
  N: [76, 79],
  O: [80, 82],
  P: [83, 83],
  Q: [84, 85],
  R: [86, 90],
  S: [91, 96],
  T: [97, 97],
};

describe('industry tables', () => {
  it('has the 20 sections A to T in order', () => {
    expect(INDUSTRY_SECTIONS.map((s) => s.code).join('')).toBe('ABCDEFGHIJKLMNOPQRST');
    expect(INDUSTRY_SECTIONS.every((s) => s.name.zh.length > 0 && s.name.en.length > 0)).toBe(true);
  });

  it('has the 97 divisions 01 to 97 in order, each with both names', () => {
    expect(INDUSTRY_DIVISIONS.map((d) => d.code)).toEqual(
      Array.from({ length: 97 }, (_, i) => String(i + 1).padStart(2, '0')),
    );
    expect(INDUSTRY_DIVISIONS.every((d) => d.name.zh.length > 0 && d.name.en.length > 0)).toBe(true);
  });

  it('maps every division to exactly one section, the one whose range contains it', () => {
    for (const d of INDUSTRY_DIVISIONS) {
      const containing = Object.entries(SECTION_RANGES).filter(
        ([, [lo, hi]]) => lo <= Number(d.code) && Number(d.code) <= hi,
      );
      expect(containing).toHaveLength(1);
      expect(d.section).toBe(containing[0][0]);
    }
  });

  it('gives every section at least one division', () => {
    for (const s of INDUSTRY_SECTIONS)
      expect(INDUSTRY_DIVISIONS.some((d) => d.section === s.code)).toBe(true);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(INDUSTRY_SECTIONS)).toBe(true);
    expect(Object.isFrozen(INDUSTRY_DIVISIONS)).toBe(true);
    expect(Object.isFrozen(INDUSTRY_DIVISIONS[0].name)).toBe(true);
  });
});

describe('checkIndustryCode', () => {
  it.each(['H', 'H62', 'H621', 'H6210', 'A01', 'C39', 'K70', 'T97', 'S9600'])('accepts %s', (code) => {
    expect(checkIndustryCode(code)).toEqual({ valid: true });
    expect(isValidIndustryCode(code)).toBe(true);
  });

  it('refuses a division that belongs to another section', () => {
    const result = checkIndustryCode('H01');
    expect(result).toEqual({
      valid: false,
      reason: {
        zh: '行业大类“01”属于门类A，不属于门类H',
        en: "Industry division '01' belongs to section A, not H",
      },
    });
  });

  it.each([
    ['Z12', /section 'Z' does not exist/],
    ['U', /section 'U' does not exist/],
    ['H99', /division '99' does not exist/],
    ['A00', /division '00' does not exist/],
    ['h62', /upper-case section letter/],
    ['H6', /upper-case section letter/],
    ['H62101', /upper-case section letter/],
    ['62', /upper-case section letter/],
    ['H 62', /upper-case section letter/],
    ['', /upper-case section letter/],
  ])('refuses %s', (code, reason) => {
    const result = checkIndustryCode(code);
    expect(result.valid).toBe(false);
    if (!result.valid) {
      expect(result.reason.en).toMatch(reason);
      expect(result.reason.zh.length).toBeGreaterThan(0);
    }
    expect(isValidIndustryCode(code)).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(checkIndustryCode(62)).toEqual({
      valid: false,
      reason: { zh: '行业代码必须为字符串', en: 'Industry code must be a string' },
    });
    expect(isValidIndustryCode(null)).toBe(false);
  });
});

describe('industry accessors', () => {
  it('extract section and division', () => {
    expect(industrySection('H6210')).toBe('H');
    expect(industryDivision('H6210')).toBe('62');
    expect(industrySection('H')).toBe('H');
    expect(industryDivision('H')).toBeUndefined();
  });

  it('name the division when there is one, else the section', () => {
    expect(industryName('H621')).toEqual({ zh: '餐饮业', en: 'Catering' });
    expect(industryName('H')).toEqual({ zh: '住宿和餐饮业', en: 'Accommodation and catering' });
    expect(industryName('C27')?.zh).toBe('医药制造业');
  });

  it('return undefined for invalid codes', () => {
    expect(industrySection('H01')).toBeUndefined();
    expect(industryDivision('H01')).toBeUndefined();
    expect(industryName('H01')).toBeUndefined();
    expect(industryName('h62')).toBeUndefined();
  });
});
