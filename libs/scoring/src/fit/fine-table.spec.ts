import type { StoredRecord } from '@lianjian/domain';
import { computeProfile, DEFAULT_PROFILE_CONFIG } from '../profile/profile';
import { fitFineTable } from './fine-table';

let seq = 0;
function penalty(
  departmentCode: string,
  occurredAt: string,
  fineAmount?: number,
  countsUntil?: string,
): StoredRecord<'penalty'> {
  seq++;
  return {
    id: `p${seq}`,
    source: 'test',
    sourceRecordId: `P-${seq}`,
    kind: 'penalty',
    entityId: `e${seq % 7}`,
    departmentCode,
    occurredAt,
    data: {
      penaltyTypes: fineAmount === undefined ? ['warning'] : ['fine'],
      ...(fineAmount ? { fineAmount } : {}),
    },
    ...(countsUntil ? { countsUntil } : {}),
  };
}

// n fines of one department: 1000, 2000, … n × 1000 × k
const fines = (dept: string, n: number, k = 1, day = '2024-03-01') =>
  Array.from({ length: n }, (_, i) => penalty(dept, day, (i + 1) * 1000 * k));

describe('fitFineTable (部门罚款中位数表的拟合)', () => {
  it('gives each department with enough fines its median, the others the overall median', () => {
    const records = [
      ...fines('ENV', 31, 10), // median 16 × 10,000 = 160,000
      ...fines('SAMR', 30), // 30 fines: median (15,000 + 16,000) / 2
      ...fines('TAX', 29), // too few: uses the overall median
    ];
    const t = fitFineTable(records, '2024-12-31')!;
    expect(t.departments).toEqual([
      { departmentCode: 'ENV', medianFine: 160_000, penalties: 31 },
      { departmentCode: 'SAMR', medianFine: 15_500, penalties: 30 },
    ]);
    expect(t.overallPenalties).toBe(90);
    const all = records.map((r) => r.data.fineAmount!).sort((a, b) => a - b);
    expect(t.overallMedian).toBe((all[44] + all[45]) / 2);
    expect(t.minPenalties).toBe(30);
  });

  it('reads only the training window: no later fine, no warning, no fine repaired by then', () => {
    const records = [
      ...fines('SAMR', 30),
      ...fines('SAMR', 40, 100, '2025-02-01'), // after the window
      penalty('SAMR', '2024-05-01'), // a warning, no fine
      penalty('SAMR', '2024-05-01', 0),
      penalty('SAMR', '2024-05-01', 9_000_000, '2024-10-01'), // repaired within the window
      penalty('SAMR', '2024-05-01', 1_000, '2025-03-01'), // repaired after it: still counted
    ];
    const t = fitFineTable(records, '2024-12-31', { minPenalties: 5, fittedOn: 'test window' })!;
    expect(t.departments).toEqual([{ departmentCode: 'SAMR', medianFine: 15_000, penalties: 31 }]);
    expect(t.fittedOn).toBe('test window');
    expect(fitFineTable(records, '2023-12-31')).toBeNull(); // no fine at all by then
  });

  it('is a table the scorecard schema accepts and the profile reads', () => {
    const t = fitFineTable([...fines('ENV', 31, 10), ...fines('SAMR', 10)], '2024-12-31')!;
    const f = computeProfile(
      {
        entity: {
          id: 'e1',
          uscc: null,
          scheme: null,
          externalId: null,
          name: null,
          entityType: null,
          regionCode: null,
          industryCode: null,
          establishedOn: null,
          registeredCapital: null,
          status: null,
          legalRepName: null,
          address: null,
        },
        records: [penalty('ENV', '2024-12-31', 160_000)],
        asOf: '2024-12-31',
      },
      { ...DEFAULT_PROFILE_CONFIG, departmentFines: t },
    ).features;
    expect(f.fine_relative_decayed).toBe(1); // log2(1 + 160,000 / 160,000)
  });
});
