import type { Key } from 'react';

// A selection that outlives the page shown (bulk actions across pages: the alerts inbox, the cases
// table): the rows picked, by id, each as it was when picked. Given the keys the table reports after
// a change, the rows kept are those already picked (on any page) and those of the page shown.
export function selectionAfter<T extends { id: string }>(
  keys: readonly Key[],
  before: ReadonlyMap<string, T>,
  rows: readonly T[],
): Map<string, T> {
  const next = new Map<string, T>();
  for (const k of keys) {
    const row = before.get(String(k)) ?? rows.find((r) => r.id === String(k));
    if (row) next.set(row.id, row);
  }
  return next;
}

// antd Table's rowSelection for such a selection: each checkbox labelled for screen readers.
export function crossPageSelection<T extends { id: string }>(
  selected: ReadonlyMap<string, T>,
  rows: readonly T[],
  onChange: (next: Map<string, T>) => void,
  label: (row: T) => string,
) {
  return {
    selectedRowKeys: [...selected.keys()],
    preserveSelectedRowKeys: true,
    getCheckboxProps: (row: T) => ({ 'aria-label': label(row) }),
    onChange: (keys: Key[]) => onChange(selectionAfter(keys, selected, rows)),
  };
}
