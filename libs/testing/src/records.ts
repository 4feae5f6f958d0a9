import { makeUscc } from '@lianjian/reference';

// Canonical record builders for tests: valid by default, overridable per field.
export const USCC_A = makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA2CXB7K' });
export const USCC_B = makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA27U0QX' });

export function registrationRecord(uscc: string, over: Record<string, unknown> = {}) {
  return {
    sourceRecordId: `REG-${uscc}`,
    kind: 'registration',
    entity: { uscc },
    departmentCode: '330106-SAMR',
    occurredAt: '2020-03-15',
    registration: {
      name: '杭州西湖味道餐饮有限公司',
      entityType: '有限责任公司',
      regionCode: '330106',
      industryCode: 'H6210',
      establishedOn: '2020-03-15',
      registeredCapital: 500000,
      legalRepresentative: { name: '王建国', idNumber: '330106198001011235' },
      address: '浙江省杭州市西湖区文三路100号',
      status: 'active',
    },
    ...over,
  };
}

export function penaltyRecord(uscc: string, sourceRecordId: string, over: Record<string, unknown> = {}) {
  return {
    sourceRecordId,
    kind: 'penalty',
    entity: { uscc },
    departmentCode: '330106-SAMR',
    occurredAt: '2025-06-01',
    penalty: {
      decisionNo: '杭西市监罚〔2025〕123号',
      penaltyTypes: ['fine'],
      fineAmount: 50000,
      legalBasis: '《食品安全法》第一百二十四条',
      violationType: 'food_safety',
    },
    ...over,
  };
}

export function inspectionRecord(
  uscc: string,
  sourceRecordId: string,
  result = 'pass',
  over: Record<string, unknown> = {},
) {
  return {
    sourceRecordId,
    kind: 'inspection',
    entity: { uscc },
    departmentCode: '330106-SAMR',
    occurredAt: '2025-05-10',
    inspection: {
      result,
      matter: '食品经营许可',
      violations: { critical: 0, serious: 0, minor: 1 },
      trigger: 'random',
    },
    ...over,
  };
}

export function listingRecord(
  uscc: string,
  sourceRecordId: string,
  list = 'serious_violation',
  action = 'added',
) {
  return {
    sourceRecordId,
    kind: 'listing',
    entity: { uscc },
    departmentCode: '330106-SAMR',
    occurredAt: '2025-07-01',
    listing: { list, action, reason: '食品安全严重违法' },
  };
}
