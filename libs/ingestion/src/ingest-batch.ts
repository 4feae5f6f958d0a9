import { contentHash, validateRecord, type CanonicalRecord } from '@lianjian/domain';
import type { Rejection, StagedItem } from '@lianjian/database';
import { textProblem } from '@lianjian/common';

// Pure part of ingestion: validates every record of a batch and splits it into staged items and
// rejections with reasons. A sourceRecordId repeated inside one batch is ambiguous (which version is
// right?), so later repeats are rejected with a pointer to the first.

export const MAX_RECORDS_PER_REQUEST = 10_000;
export const SOURCE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface SplitBatch {
  items: StagedItem[];
  rejections: Rejection[];
}

export function splitBatch(
  records: unknown[],
  ctx: {
    today: string;
    departmentExists(code: string): boolean;
    // Who may send what (send-policy): reasons a valid record may not be sent by this sender.
    authority?(record: CanonicalRecord): string[];
  },
  rowNumber: (index: number) => number = (i) => i,
): SplitBatch {
  const items: StagedItem[] = [];
  const rejections: Rejection[] = [];
  const firstIndexOf = new Map<string, number>();
  records.forEach((raw, index) => {
    const idx = rowNumber(index);
    const sid = sourceRecordIdOf(raw);
    const res = validateRecord(raw, ctx);
    const reasons = res.ok ? (ctx.authority?.(res.record) ?? []) : [...res.reasons];
    if (sid !== null) {
      const first = firstIndexOf.get(sid);
      if (first !== undefined)
        reasons.push(`sourceRecordId: '${sid}' repeats the record at index ${first} of this batch`);
      else firstIndexOf.set(sid, idx);
    }
    if (!res.ok || reasons.length) {
      rejections.push({ idx, sourceRecordId: sid, raw, reasons });
      return;
    }
    items.push(toStagedItem(idx, res.record, res.occurredOn));
  });
  return { items, rejections };
}

export function toStagedItem(idx: number, record: CanonicalRecord, occurredOn: string): StagedItem {
  const data = (record as unknown as Record<string, unknown>)[record.kind];
  const e = record.entity;
  return {
    idx,
    sourceRecordId: record.sourceRecordId,
    kind: record.kind,
    uscc: 'uscc' in e ? e.uscc : null,
    scheme: 'uscc' in e ? null : e.scheme,
    externalId: 'uscc' in e ? null : e.id,
    departmentCode: record.departmentCode,
    occurredOn,
    data,
    // The whole record counts: a corrected date, department or entity is a new version too.
    contentHash: contentHash(record),
  };
}

function sourceRecordIdOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const v = (raw as Record<string, unknown>).sourceRecordId;
  // An id no record may carry (NUL, a lone surrogate, 100 kB…) identifies nothing: the index does.
  return typeof v === 'string' && v.trim() && !textProblem(v, 200) ? v : null;
}
