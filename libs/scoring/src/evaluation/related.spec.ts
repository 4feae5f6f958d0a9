import type { RegistrationData, StoredRecord } from '@lianjian/domain';
import { isRelatedPartyFlagged, partiesAsOf, relatedSignals } from './related';

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
  it('counts the OTHER flagged entities sharing a legal representative or an address', () => {
    const out = relatedSignals([
      { id: 'a', legalRepIdNumber: 'P', address: 'X', flagged: true },
      { id: 'b', legalRepIdNumber: 'P', address: 'Y', flagged: true },
      { id: 'c', legalRepIdNumber: 'P', address: 'X', flagged: false },
      { id: 'd', legalRepIdNumber: null, address: 'X', flagged: false },
      { id: 'e', legalRepIdNumber: 'Q', address: null, flagged: true },
    ]);
    expect(out.get('a')).toEqual({ sameLegalRepFlagged: 1, sameAddressFlagged: 0 });
    expect(out.get('b')).toEqual({ sameLegalRepFlagged: 1, sameAddressFlagged: 0 });
    expect(out.get('c')).toEqual({ sameLegalRepFlagged: 2, sameAddressFlagged: 1 });
    expect(out.get('d')).toEqual({ sameLegalRepFlagged: 0, sameAddressFlagged: 1 });
    expect(out.get('e')).toEqual({ sameLegalRepFlagged: 0, sameAddressFlagged: 0 });
  });

  it('flags as the production SQL does: serious-violation or court-defaulter list, or a severe penalty', () => {
    expect(isRelatedPartyFlagged({ on_serious_violation_list: 1 })).toBe(true);
    expect(isRelatedPartyFlagged({ on_court_defaulter_list: 1 })).toBe(true);
    expect(isRelatedPartyFlagged({ severe_penalties_36m: 2 })).toBe(true);
    expect(isRelatedPartyFlagged({ on_abnormal_list: 1, penalties_36m: 3 })).toBe(false);
  });
});
