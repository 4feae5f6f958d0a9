import type { KindDataMap, RecordKind, StoredRecord } from '@lianjian/domain';
import {
  adverseRecordsIn,
  isAdverseRecord,
  isNonCompliantInspection,
  shiftDays,
  shiftMonths,
} from './labels';

let seq = 0;
function rec<K extends RecordKind>(kind: K, occurredAt: string, data: KindDataMap[K]): StoredRecord<K> {
  seq++;
  return {
    id: String(seq),
    source: 'test',
    sourceRecordId: `T-${seq}`,
    kind,
    entityId: '1',
    departmentCode: '330106-SAMR',
    occurredAt,
    data,
  };
}

describe('adverse outcomes', () => {
  it('counts failed inspections and any critical violation, not minor issues or unreachable', () => {
    expect(isNonCompliantInspection({ result: 'fail' })).toBe(true);
    expect(isNonCompliantInspection({ result: 'rectified', violations: { critical: 1 } })).toBe(true);
    expect(isNonCompliantInspection({ result: 'pass', violations: { critical: 0, serious: 2 } })).toBe(false);
    expect(isNonCompliantInspection({ result: 'rectified', violations: { minor: 3 } })).toBe(false);
    expect(isNonCompliantInspection({ result: 'unreachable' })).toBe(false);
  });

  it('counts every penalty and list additions, not removals, complaints or registrations', () => {
    expect(isAdverseRecord(rec('penalty', '2025-01-01', { penaltyTypes: ['warning'] }))).toBe(true);
    expect(
      isAdverseRecord(rec('listing', '2025-01-01', { list: 'abnormal_operations', action: 'added' })),
    ).toBe(true);
    expect(
      isAdverseRecord(rec('listing', '2025-01-01', { list: 'abnormal_operations', action: 'removed' })),
    ).toBe(false);
    expect(isAdverseRecord(rec('complaint', '2025-01-01', { category: 'x', verified: true }))).toBe(false);
    expect(isAdverseRecord(rec('registration', '2025-01-01', { name: 'x', status: 'revoked' }))).toBe(false);
    expect(isAdverseRecord(rec('inspection', '2025-01-01', { result: 'fail' }))).toBe(true);
  });

  it('labels from the window (after, upTo]: the scoring date itself is excluded, the last day included', () => {
    const records = [
      rec('penalty', '2024-12-31', { penaltyTypes: ['fine'] }), // on the scoring date: already known
      rec('inspection', '2025-01-01', { result: 'pass' }),
      rec('inspection', '2025-06-30', { result: 'fail' }),
      rec('penalty', '2026-01-01', { penaltyTypes: ['fine'] }), // after the horizon
    ];
    const found = adverseRecordsIn(records, '2024-12-31', '2025-12-31');
    expect(found.map((r) => r.occurredAt)).toEqual(['2025-06-30']);
    expect(adverseRecordsIn(records, '2024-12-30', '2026-01-01')).toHaveLength(3);
  });
});

describe('date shifts', () => {
  it('shifts by calendar months like the profile windows, and by days', () => {
    expect(shiftMonths('2025-12-31', -12)).toBe('2024-12-31');
    expect(shiftMonths('2024-02-29', -12)).toBe('2023-02-28');
    expect(shiftMonths('2025-03-31', -1)).toBe('2025-02-28');
    expect(shiftDays('2014-09-02', -1)).toBe('2014-09-01');
    expect(shiftDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(() => shiftDays('2014-9-2', 1)).toThrow(/not a YYYY-MM-DD/);
  });
});
