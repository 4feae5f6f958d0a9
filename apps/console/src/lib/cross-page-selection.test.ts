import { describe, expect, it } from 'vitest';
import { crossPageSelection, selectionAfter } from './cross-page-selection';

const a1 = { id: '1', page: 1 };
const a2 = { id: '2', page: 1 };
const b3 = { id: '3', page: 2 };

describe('a selection across pages', () => {
  it('keeps the rows picked on another page and adds those of the page shown', () => {
    const before = new Map([['1', a1]]);
    const next = selectionAfter(['1', '3'], before, [b3]);
    expect([...next.values()]).toEqual([a1, b3]);
  });

  it('drops a row unticked, and ignores a key it knows nothing of', () => {
    const before = new Map([
      ['1', a1],
      ['2', a2],
    ]);
    expect([...selectionAfter(['2', '9'], before, [a1, a2]).keys()]).toEqual(['2']);
    expect(selectionAfter([], before, [a1, a2]).size).toBe(0);
  });

  it('reads numeric keys as the ids they are', () => {
    expect([...selectionAfter([3], new Map(), [b3]).values()]).toEqual([b3]);
  });

  it('gives antd the picked keys, every checkbox a label, and the new selection on a change', () => {
    let got = new Map<string, typeof a1>();
    const cfg = crossPageSelection(
      new Map([['1', a1]]),
      [b3],
      (n) => (got = n),
      (r) => `预警 ${r.id}`,
    );
    expect(cfg.selectedRowKeys).toEqual(['1']);
    expect(cfg.preserveSelectedRowKeys).toBe(true);
    expect(cfg.getCheckboxProps(b3)).toEqual({ 'aria-label': '预警 3' });
    cfg.onChange(['1', '3']);
    expect([...got.keys()]).toEqual(['1', '3']);
  });
});
