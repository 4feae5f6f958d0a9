// Server-side keyset paging (the API's nextCursor) with a way back: the cursors that opened each page
// before the current one are kept on a stack, so "previous" asks the API for the page again with the
// cursor it was opened with. No total count is asked for (over a million rows it would cost a scan).
export interface CursorPages {
  // opened[i] is the cursor of page i + 2 (page 1 has none); the current page's is the last one.
  readonly opened: readonly string[];
}

export const FIRST_PAGE: CursorPages = { opened: [] };

// The cursor to send for the current page (undefined: the first page).
export function currentCursor(p: CursorPages): string | undefined {
  return p.opened[p.opened.length - 1];
}

// 1-based page number, for the pager's label.
export function pageNumber(p: CursorPages): number {
  return p.opened.length + 1;
}

export function hasPrevious(p: CursorPages): boolean {
  return p.opened.length > 0;
}

// The next page, opened with the current page's nextCursor (null on the last page: stays put).
export function nextPage(p: CursorPages, nextCursor: string | null | undefined): CursorPages {
  return nextCursor ? { opened: [...p.opened, nextCursor] } : p;
}

export function previousPage(p: CursorPages): CursorPages {
  return p.opened.length ? { opened: p.opened.slice(0, -1) } : p;
}
