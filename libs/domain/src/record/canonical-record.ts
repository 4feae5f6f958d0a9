import type { KindDataMap, RecordKind } from './record-kinds';
import type { EntityStatus } from './vocabulary';

// The canonical record (../shared/API.md): every department's input becomes records of this shape.

export type EntityRef = { uscc: string } | { scheme: string; id: string };

// Each kind's sub-object, as described in record-kinds.ts.
export type InspectionData = KindDataMap['inspection'];
export type PenaltyData = KindDataMap['penalty'];
export type ListingData = KindDataMap['listing'];
export type ComplaintData = KindDataMap['complaint'];
export type ObligationDefaultData = KindDataMap['obligation_default'];
export type RegistrationData = KindDataMap['registration'];

interface RecordBase<K extends RecordKind> {
  sourceRecordId: string;
  kind: K;
  entity: EntityRef;
  departmentCode: string;
  occurredAt: string; // YYYY-MM-DD or ISO 8601 date-time
}

export type CanonicalRecord = {
  [K in RecordKind]: RecordBase<K> & { [P in K]: KindDataMap[K] };
}[RecordKind];

export type KindData = KindDataMap[RecordKind];

// A record as stored and read back by scoring and rules: the kind's sub-object is `data`.
export interface StoredRecord<K extends RecordKind = RecordKind> {
  id: string;
  source: string;
  sourceRecordId: string;
  kind: K;
  entityId: string;
  departmentCode: string;
  occurredAt: string; // YYYY-MM-DD
  data: KindDataMap[K];
  // 信用修复 / 异议: the first day the record no longer counts (an approved repair or objection);
  // null or absent: it counts. See countsAsOf.
  countsUntil?: string | null;
}

// Entity master data as scoring, rules and routing see it.
export interface EntitySnapshot {
  id: string;
  uscc: string | null;
  scheme: string | null;
  externalId: string | null;
  name: string | null;
  entityType: string | null;
  regionCode: string | null;
  industryCode: string | null;
  establishedOn: string | null; // YYYY-MM-DD
  registeredCapital: number | null;
  status: EntityStatus | null;
  legalRepName: string | null;
  address: string | null;
}
