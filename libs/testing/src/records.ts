import { RECORD_KIND_SPECS, type RecordKind } from '@lianjian/domain';
import { makeUscc } from '@lianjian/reference';

// Canonical record builders for tests: valid by default, overridable per field.
export const USCC_A = makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA2CXB7K' });
export const USCC_B = makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA27U0QX' });

type Sub = Record<string, unknown>;

// A record of any kind, dated `occurredAt`, with `data` as its sub-object (by default the kind
// description's example); `over` replaces top-level fields.
export function kindRecord<K extends RecordKind>(
  kind: K,
  uscc: string,
  sourceRecordId: string,
  occurredAt = '2025-06-01',
  data: Sub = RECORD_KIND_SPECS[kind].example,
  over: Record<string, unknown> = {},
) {
  const record = {
    sourceRecordId,
    kind,
    entity: { uscc },
    departmentCode: '330106-SAMR',
    occurredAt,
    [kind]: data,
  } as {
    sourceRecordId: string;
    kind: K;
    entity: { uscc: string };
    departmentCode: string;
    occurredAt: string;
  } & {
    [P in K]: Sub;
  };
  return { ...record, ...over };
}

export function registrationRecord(uscc: string, over: Record<string, unknown> = {}) {
  const data = RECORD_KIND_SPECS.registration.example;
  return kindRecord('registration', uscc, `REG-${uscc}`, '2020-03-15', data, over);
}

export function penaltyRecord(uscc: string, sourceRecordId: string, over: Record<string, unknown> = {}) {
  return kindRecord('penalty', uscc, sourceRecordId, '2025-06-01', RECORD_KIND_SPECS.penalty.example, over);
}

export function inspectionRecord(
  uscc: string,
  sourceRecordId: string,
  result = 'pass',
  over: Record<string, unknown> = {},
) {
  const data = { ...RECORD_KIND_SPECS.inspection.example, result };
  return kindRecord('inspection', uscc, sourceRecordId, '2025-05-10', data, over);
}

export function listingRecord(
  uscc: string,
  sourceRecordId: string,
  list = 'serious_violation',
  action = 'added',
) {
  const data = { ...RECORD_KIND_SPECS.listing.example, list, action };
  return kindRecord('listing', uscc, sourceRecordId, '2025-07-01', data);
}
