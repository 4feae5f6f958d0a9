import { canonicalJson, contentHash } from './content-hash';

describe('canonicalJson / contentHash', () => {
  it('ignores key order at every level and drops undefined fields', () => {
    const a = { kind: 'penalty', penalty: { fineAmount: 5, penaltyTypes: ['fine'] }, x: undefined };
    const b = { penalty: { penaltyTypes: ['fine'], fineAmount: 5 }, kind: 'penalty' };
    expect(canonicalJson(a)).toBe('{"kind":"penalty","penalty":{"fineAmount":5,"penaltyTypes":["fine"]}}');
    expect(contentHash(a)).toBe(contentHash(b));
  });

  it('distinguishes array order, values and types', () => {
    expect(contentHash({ a: [1, 2] })).not.toBe(contentHash({ a: [2, 1] }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: '1' }));
    expect(canonicalJson({ s: '引号"与\\反斜杠', n: null, t: true })).toBe(
      JSON.stringify({ n: null, s: '引号"与\\反斜杠', t: true }),
    );
  });
});
