import {
  isValidResidentId,
  makeResidentId,
  maskPhone,
  maskResidentId,
  residentIdCheckChar,
} from './resident-id';

// Check characters computed by hand: sum of digit × weight (7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2), mod 11,
// mapped through '10X98765432'.
//   11010519491231002 (GB 11643 example): 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167, 167 mod 11 = 2 → 'X'
//   44052418800101001 (GB 11643 example): 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195, 195 mod 11 = 8 → '4'
//   33010619900101123: 21+27+0+5+0+24+2+9+54+0+0+9+0+5+8+8+6 = 178, 178 mod 11 = 2 → 'X'
const HAND_COMPUTED = ['11010519491231002X', '440524188001010014', '33010619900101123X'];

describe('residentIdCheckChar', () => {
  it('matches the hand-computed check characters', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('44052418800101001')).toBe('4');
    expect(residentIdCheckChar('33010619900101123')).toBe('X');
  });

  it('throws on anything but 17 digits', () => {
    expect(() => residentIdCheckChar('1101051949123100')).toThrow(RangeError);
    expect(() => residentIdCheckChar('1101051949123100X')).toThrow(RangeError);
  });
});

describe('isValidResidentId', () => {
  it.each(HAND_COMPUTED)('accepts %s', (id) => {
    expect(isValidResidentId(id)).toBe(true);
  });

  it('refuses every wrong check character', () => {
    for (const c of '0123456789') expect(isValidResidentId(`33010619900101123${c}`)).toBe(false);
    for (const c of '012356789X') expect(isValidResidentId(`44052418800101001${c}`)).toBe(false);
  });

  it('refuses a lower-case x', () => {
    expect(isValidResidentId('11010519491231002x')).toBe(false);
  });

  it.each([
    ['19900230', 'February 30th'],
    ['19001301', 'month 13'],
    ['19900100', 'day 0'],
    ['21000229', '2100 is not a leap year'],
    ['17991231', 'before 1800'],
    ['20991231', 'in the future'],
  ])('refuses the birth date %s (%s) even with a matching check character', (date) => {
    const first17 = `330106${date}123`;
    expect(isValidResidentId(first17 + residentIdCheckChar(first17))).toBe(false);
  });

  it('accepts 29 February of a leap year', () => {
    const first17 = '33010620000229123';
    expect(isValidResidentId(first17 + residentIdCheckChar(first17))).toBe(true);
  });

  it.each([
    ['17 characters', '33010619900101123'],
    ['19 characters', '33010619900101123X0'],
    ['a 15-digit old number', '330106900101123'],
    ['a letter inside', '3301061990O101123X'],
    ['a number', 330106199001],
    ['undefined', undefined],
  ])('refuses %s', (_label, id) => {
    expect(isValidResidentId(id)).toBe(false);
  });
});

describe('makeResidentId', () => {
  it('builds the hand-computed examples', () => {
    expect(makeResidentId('110105', '1949-12-31', '002')).toBe('11010519491231002X');
    expect(makeResidentId('330106', '1990-01-01', '123')).toBe('33010619900101123X');
  });

  it('builds valid ids for every day of a leap year', () => {
    const day = new Date(Date.UTC(2000, 0, 1));
    for (let i = 0; i < 366; i++) {
      const iso = day.toISOString().slice(0, 10);
      expect(isValidResidentId(makeResidentId('440305', iso, String(i % 1000).padStart(3, '0')))).toBe(true);
      day.setUTCDate(day.getUTCDate() + 1);
    }
  });

  it.each([
    ['33010', '1990-01-01', '123'],
    ['330106', '19900101', '123'],
    ['330106', '1990-02-30', '123'],
    ['330106', '1990-01-01', '12'],
    ['330106', '1990-01-01', '12a'],
  ])('throws on malformed parts (%s, %s, %s)', (region, date, seq) => {
    expect(() => makeResidentId(region, date, seq)).toThrow(RangeError);
  });
});

describe('masking', () => {
  it('keeps the first 6 and last 4 characters of a resident id', () => {
    expect(maskResidentId('33010619900101123X')).toBe('330106********123X');
  });

  it('keeps the first 3 and last 4 digits of a phone number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('hides values too short to keep both ends', () => {
    expect(maskResidentId('3301061234')).toBe('**********');
    expect(maskPhone('1234567')).toBe('*******');
    expect(maskPhone('')).toBe('');
  });

  it('masks the middle of other lengths', () => {
    expect(maskResidentId('330106900101123')).toBe('330106*****1123');
    expect(maskPhone('057188888888')).toBe('057*****8888');
  });
});
