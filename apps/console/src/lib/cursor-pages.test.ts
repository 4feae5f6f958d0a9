import { describe, expect, it } from 'vitest';
import { currentCursor, FIRST_PAGE, hasPrevious, nextPage, pageNumber, previousPage } from './cursor-pages';

describe('cursor pages (keyset paging with a stack of the cursors behind)', () => {
  it('starts on page 1 with no cursor and nothing behind', () => {
    expect(currentCursor(FIRST_PAGE)).toBeUndefined();
    expect(pageNumber(FIRST_PAGE)).toBe(1);
    expect(hasPrevious(FIRST_PAGE)).toBe(false);
  });

  it('goes forward with each page’s nextCursor and back to the cursors it came through', () => {
    const p2 = nextPage(FIRST_PAGE, 'c2');
    const p3 = nextPage(p2, 'c3');
    expect([currentCursor(p3), pageNumber(p3)]).toEqual(['c3', 3]);
    const back = previousPage(p3);
    expect([currentCursor(back), pageNumber(back)]).toEqual(['c2', 2]);
    const first = previousPage(back);
    expect([currentCursor(first), pageNumber(first), hasPrevious(first)]).toEqual([undefined, 1, false]);
    expect(previousPage(first)).toBe(first);
  });

  it('stays on the last page when the API says there is no next one', () => {
    const p2 = nextPage(FIRST_PAGE, 'c2');
    expect(nextPage(p2, null)).toBe(p2);
    expect(nextPage(p2, undefined)).toBe(p2);
    expect(FIRST_PAGE.opened).toEqual([]); // never mutated
  });
});
