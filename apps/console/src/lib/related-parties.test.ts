import { describe, expect, it } from 'vitest';
import { relatedSummary, showsLegalRep } from './related-parties';

describe('relatedSummary', () => {
  it('says nothing more when every related entity is listed', () => {
    expect(relatedSummary({ total: 2, outside: 0, items: [1, 2] })).toEqual({
      empty: false,
      partial: null,
      outside: null,
    });
  });

  it('says how many are listed of how many when the list is cut, and counts those outside', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    expect(relatedSummary({ total: 73, outside: 4, items })).toEqual({
      empty: false,
      partial: { shown: 50, total: 73 },
      outside: 4,
    });
  });

  it('is empty with none inside, yet counts those outside', () => {
    expect(relatedSummary({ total: 0, outside: 3, items: [] })).toEqual({
      empty: true,
      partial: null,
      outside: 3,
    });
  });
});

describe('showsLegalRep', () => {
  it('shows the other legal representative only for a shared address', () => {
    expect(showsLegalRep('address')).toBe(true);
    expect(showsLegalRep('legal_rep')).toBe(false);
    expect(showsLegalRep('both')).toBe(false);
  });
});
