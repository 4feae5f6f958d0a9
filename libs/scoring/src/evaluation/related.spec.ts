import type { RegistrationData, StoredRecord } from '@lianjian/domain';
import { isRelatedPartyFlagged, partiesAsOf, RelatedPartyIndex, relatedSignals } from './related';

function reg(id: string, occurredAt: string, data: Partial<RegistrationData>): StoredRecord<'registration'> {
  return {
    id,
    source: 'test',
    sourceRecordId: `REG-${id}`,
    kind: 'registration',
    entityId: '1',
    departmentCode: '330106-SAMR',
    occurredAt,
    data: { name: 'x', ...data },
  };
}

describe('partiesAsOf', () => {
  const records = [
    reg('1', '2020-01-01', { legalRepresentative: { name: '张三', idNumber: 'A1' }, address: '甲路1号' }),
    reg('2', '2023-05-01', { legalRepresentative: { name: '李四', idNumber: 'B2' } }),
    reg('3', '2025-02-01', { address: '乙路2号' }),
  ];

  it('takes each field from the latest registration record on or before the date', () => {
    expect(partiesAsOf(records, '2022-12-31')).toEqual({ legalRepIdNumber: 'A1', address: '甲路1号' });
    expect(partiesAsOf(records, '2024-12-31')).toEqual({ legalRepIdNumber: 'B2', address: '甲路1号' });
    expect(partiesAsOf(records, '2025-02-01')).toEqual({ legalRepIdNumber: 'B2', address: '乙路2号' });
  });

  it('does not fall back to current master data for a field the records carry but not yet', () => {
    const current = { legalRepIdNumber: 'B2', address: '乙路2号' };
    expect(partiesAsOf(records, '2019-06-30', current)).toEqual({ legalRepIdNumber: null, address: null });
  });

  it('uses current master data for a field no registration record carries', () => {
    expect(partiesAsOf([], '2025-01-01', { legalRepIdNumber: 'C3', address: '丙路3号' })).toEqual({
      legalRepIdNumber: 'C3',
      address: '丙路3号',
    });
  });
});

describe('relatedSignals', () => {
  it('counts the OTHER entities sharing a legal representative or an address, and the flagged ones', () => {
    const out = relatedSignals([
      { id: 'a', legalRepIdNumber: 'P', address: 'X', flagged: true },
      { id: 'b', legalRepIdNumber: 'P', address: 'Y', flagged: true },
      { id: 'c', legalRepIdNumber: 'P', address: 'X', flagged: false },
      { id: 'd', legalRepIdNumber: null, address: 'X', flagged: false },
      { id: 'e', legalRepIdNumber: 'Q', address: null, flagged: true },
    ]);
    const s = (repF: number, addrF: number, repN: number, addrN: number) => ({
      sameLegalRepFlagged: repF,
      sameAddressFlagged: addrF,
      sameLegalRepEntities: repN,
      sameAddressEntities: addrN,
    });
    expect(out.get('a')).toEqual(s(1, 0, 2, 2));
    expect(out.get('b')).toEqual(s(1, 0, 2, 0));
    expect(out.get('c')).toEqual(s(2, 1, 2, 2));
    expect(out.get('d')).toEqual(s(0, 1, 0, 2));
    expect(out.get('e')).toEqual(s(0, 0, 0, 0));
  });

  it('flags as the production SQL does: serious-violation or court-defaulter list, or a severe penalty', () => {
    expect(isRelatedPartyFlagged({ on_serious_violation_list: 1 })).toBe(true);
    expect(isRelatedPartyFlagged({ on_court_defaulter_list: 1 })).toBe(true);
    expect(isRelatedPartyFlagged({ severe_penalties_36m: 2 })).toBe(true);
    expect(isRelatedPartyFlagged({ on_abnormal_list: 1, penalties_36m: 3 })).toBe(false);
  });
});

describe('RelatedPartyIndex', () => {
  // Entities moving between people and addresses over the years, some with no registration record.
  const ents = [
    {
      id: 'a',
      records: [
        reg('a1', '2020-01-01', { legalRepresentative: { name: '张三', idNumber: 'P' }, address: 'X' }),
        reg('a2', '2023-01-01', { address: 'Y' }),
      ],
      current: { legalRepIdNumber: 'P', address: 'Y' },
    },
    {
      id: 'b',
      records: [
        reg('b1', '2021-06-01', { legalRepresentative: { name: '李四', idNumber: 'P' }, address: 'X' }),
        reg('b2', '2024-01-01', { legalRepresentative: { name: '王五', idNumber: 'Q' } }),
        reg('b3', '2024-01-01', { legalRepresentative: { name: '李四', idNumber: 'P' } }), // same day, later id
      ],
      current: { legalRepIdNumber: 'P', address: 'X' },
    },
    { id: 'c', records: [], current: { legalRepIdNumber: 'P', address: 'X' } }, // master data throughout
    {
      id: 'd',
      records: [
        reg('d1', '2022-01-01', { address: 'X' }),
        reg('d2', '2022-06-01', { address: 'Y' }),
        reg('d3', '2024-06-01', { address: 'X' }), // back again
      ],
      current: { legalRepIdNumber: 'Q', address: 'X' },
    },
    { id: 'e', records: [], current: { legalRepIdNumber: null, address: null } },
  ];
  const flagged = new Set(['b', 'd']);

  it('gives, for each entity and date, what relatedSignals over every entity as of that date gives', () => {
    const index = new RelatedPartyIndex(ents);
    for (const asOf of [
      '2019-12-31',
      '2020-01-01',
      '2021-06-01',
      '2022-03-01',
      '2022-06-01',
      '2023-06-30',
      '2024-01-01',
      '2024-06-01',
      '2025-12-31',
    ]) {
      const reference = relatedSignals(
        ents.map((e) => ({
          id: e.id,
          ...partiesAsOf(e.records, asOf, e.current),
          flagged: flagged.has(e.id),
        })),
      );
      for (const e of ents)
        expect([asOf, e.id, index.signals(e.id, asOf, (id) => flagged.has(id))]).toEqual([
          asOf,
          e.id,
          reference.get(e.id),
        ]);
    }
    // not vacuous: some entities do share, some flagged
    const late = index.signals('c', '2024-06-01', (id) => flagged.has(id));
    expect(late).toEqual({
      sameLegalRepFlagged: 1,
      sameAddressFlagged: 2,
      sameLegalRepEntities: 2,
      sameAddressEntities: 2,
    });
  });

  it('asks only about entities sharing a value, and knows nobody it was not given', () => {
    const asked: string[] = [];
    const index = new RelatedPartyIndex(ents);
    index.signals('a', '2020-06-01', (id) => {
      asked.push(id);
      return false;
    });
    expect(asked.sort()).toEqual(['c', 'c']); // by the representative and by the address
    expect(index.signals('zz', '2024-01-01', () => true)).toEqual({
      sameLegalRepFlagged: 0,
      sameAddressFlagged: 0,
      sameLegalRepEntities: 0,
      sameAddressEntities: 0,
    });
  });
});
