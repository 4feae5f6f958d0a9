import {
  checkRegionCode,
  citiesOf,
  countiesOf,
  isKnownRegionCode,
  regionAncestors,
  regionLevel,
  regionName,
  regionPrefix,
} from './region-code';

describe('isKnownRegionCode / regionLevel / regionName', () => {
  it.each([
    ['330000', 'province', '浙江省'],
    ['330100', 'city', '杭州市'],
    ['330106', 'county', '西湖区'],
    ['110000', 'province', '北京市'],
    ['110105', 'county', '朝阳区'],
    ['441900', 'city', '东莞市'],
    ['429004', 'county', '仙桃市'],
  ])('%s is a known %s named %s', (code, level, name) => {
    expect(isKnownRegionCode(code)).toBe(true);
    expect(regionLevel(code)).toBe(level);
    expect(regionName(code)).toBe(name);
  });

  it.each([
    ['330199', 'unknown county in a known city'],
    ['339900', 'unknown city in a known province'],
    ['990000', 'unknown province'],
    ['000000', 'all zeros'],
    ['33010', 'five digits'],
    ['3301060', 'seven digits'],
    ['33010a', 'non-digit'],
    ['', 'empty'],
  ])('%s is not known (%s)', (code) => {
    expect(isKnownRegionCode(code)).toBe(false);
    expect(regionLevel(code)).toBeUndefined();
    expect(regionName(code)).toBeUndefined();
  });
});

describe('checkRegionCode', () => {
  it('accepts a known county', () => {
    expect(checkRegionCode('330106')).toEqual({ valid: true });
  });

  it('tells a format error from an unknown code, in both languages', () => {
    const format = checkRegionCode('3301');
    const unknown = checkRegionCode('330199');
    expect(format.valid).toBe(false);
    expect(unknown.valid).toBe(false);
    if (format.valid || unknown.valid) return;
    expect(format.reason.en).toMatch(/6 digits/);
    expect(format.reason.zh).toMatch(/6位数字/);
    expect(unknown.reason.en).toMatch(/not a known/);
    expect(unknown.reason.zh).toMatch(/不存在/);
  });

  it('refuses non-strings', () => {
    expect(checkRegionCode(330106)).toMatchObject({
      valid: false,
      reason: { en: 'Region code must be a string' },
    });
    expect(checkRegionCode(undefined).valid).toBe(false);
  });
});

describe('regionPrefix', () => {
  it.each([
    ['330000', '33'],
    ['330100', '3301'],
    ['330106', '330106'],
    ['441900', '4419'],
  ])('%s → %s', (code, prefix) => {
    expect(regionPrefix(code)).toBe(prefix);
  });

  it('throws on a malformed code instead of returning a prefix that contains everything', () => {
    expect(() => regionPrefix('')).toThrow(RangeError);
    expect(() => regionPrefix('33')).toThrow(RangeError);
  });
});

describe('regionAncestors', () => {
  it('lists city then province for a county', () => {
    expect(regionAncestors('330106')).toEqual(['330100', '330000']);
  });

  it('lists the province for a city, nothing for a province', () => {
    expect(regionAncestors('330100')).toEqual(['330000']);
    expect(regionAncestors('330000')).toEqual([]);
  });

  it('skips municipal and province-direct groupings, which are not governments', () => {
    expect(regionAncestors('110105')).toEqual(['110000']);
    expect(regionAncestors('500229')).toEqual(['500000']);
    expect(regionAncestors('429004')).toEqual(['420000']);
  });

  it('resolves a county code missing from the data through its known city and province', () => {
    expect(isKnownRegionCode('330199')).toBe(false);
    expect(regionAncestors('330199')).toEqual(['330100', '330000']);
  });

  it('returns nothing for a malformed code', () => {
    expect(regionAncestors('3301')).toEqual([]);
  });
});

describe('citiesOf / countiesOf', () => {
  it('lists the cities of Zhejiang as sorted 6-digit codes', () => {
    const zj = citiesOf('330000');
    expect(zj).toHaveLength(11);
    expect(zj[0]).toEqual({ code: '330100', name: '杭州市' });
    expect(zj.map((c) => c.code)).toEqual([...zj.map((c) => c.code)].sort());
    expect(zj.every((c) => /^33\d{2}00$/.test(c.code))).toBe(true);
  });

  it('lists no cities for a city, county or unknown code', () => {
    expect(citiesOf('330100')).toEqual([]);
    expect(citiesOf('330106')).toEqual([]);
    expect(citiesOf('990000')).toEqual([]);
  });

  it('lists every county of a province, all inside it, sorted and known', () => {
    const counties = countiesOf('330000');
    expect(counties.length).toBeGreaterThan(50);
    expect(counties.every((c) => c.code.startsWith('33') && regionLevel(c.code) !== 'province')).toBe(true);
    expect(counties.map((c) => c.code)).toEqual([...counties.map((c) => c.code)].sort());
    expect(counties).toContainEqual({ code: '330106', name: '西湖区' });
    expect(counties).not.toContainEqual(expect.objectContaining({ code: '320102' }));
  });

  it('lists the counties of one city only', () => {
    const hz = countiesOf('330100');
    expect(hz).toContainEqual({ code: '330106', name: '西湖区' });
    expect(hz.every((c) => c.code.startsWith('3301'))).toBe(true);
    expect(hz.length).toBeLessThan(countiesOf('330000').length);
  });

  it('returns a city without counties as its own county', () => {
    expect(countiesOf('441900')).toEqual([{ code: '441900', name: '东莞市' }]);
  });

  it('lists nothing under a county or an unknown code', () => {
    expect(countiesOf('330106')).toEqual([]);
    expect(countiesOf('990000')).toEqual([]);
  });

  it('returns copies, so callers cannot corrupt the shared table', () => {
    countiesOf('330100')[0].name = 'changed';
    expect(countiesOf('330100')[0].name).not.toBe('changed');
  });
});
