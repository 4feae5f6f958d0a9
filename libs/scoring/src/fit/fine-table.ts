import { countsAsOf, type StoredRecord } from '@lianjian/domain';

// 部门罚款中位数表的拟合: each department's usual fine, learnt from the penalty records of the training
// window, so that a fine can be read against what that department usually imposes (a 20,000 CNY fine
// is heavy from a market-regulation office and light from an environment bureau). A department with
// at least `minPenalties` fines gets its own median; the others, and departments never seen, use the
// median of all the window's fines. Only records dated on or before `until` count (the training
// window: no fine of the held-out period shapes the table), and records repaired (信用修复) by then
// do not. A table of counts a regulator can recompute; it goes into the model (departmentFines).

export interface FittedFineTable {
  overallMedian: number;
  overallPenalties: number;
  minPenalties: number;
  fittedOn?: string;
  departments: { departmentCode: string; medianFine: number; penalties: number }[];
}

export interface FineTableOptions {
  minPenalties?: number; // default 30
  fittedOn?: string; // a description of the window, kept in the model
}

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// null when the window holds no fine at all (nothing to divide by: the model then carries no table).
export function fitFineTable(
  records: Iterable<StoredRecord>,
  until: string, // YYYY-MM-DD, inclusive
  opts: FineTableOptions = {},
): FittedFineTable | null {
  const minPenalties = opts.minPenalties ?? 30;
  const byDepartment = new Map<string, number[]>();
  const all: number[] = [];
  for (const r of records) {
    if (r.kind !== 'penalty' || r.occurredAt.slice(0, 10) > until) continue;
    if (r.countsUntil && !countsAsOf(r, until)) continue;
    const fine = (r as StoredRecord<'penalty'>).data.fineAmount ?? 0;
    if (!(fine > 0) || !Number.isFinite(fine)) continue;
    all.push(fine);
    const list = byDepartment.get(r.departmentCode);
    if (list) list.push(fine);
    else byDepartment.set(r.departmentCode, [fine]);
  }
  if (!all.length) return null;
  const asc = (a: number, b: number) => a - b;
  const departments: FittedFineTable['departments'] = [];
  for (const code of [...byDepartment.keys()].sort()) {
    const fines = byDepartment.get(code)!;
    if (fines.length < minPenalties) continue;
    departments.push({
      departmentCode: code,
      medianFine: Math.round(median(fines.sort(asc)) * 100) / 100,
      penalties: fines.length,
    });
  }
  return {
    overallMedian: Math.round(median(all.sort(asc)) * 100) / 100,
    overallPenalties: all.length,
    minPenalties,
    ...(opts.fittedOn ? { fittedOn: opts.fittedOn } : {}),
    departments,
  };
}
