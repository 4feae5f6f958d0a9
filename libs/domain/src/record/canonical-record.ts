import type {
  EntityStatus,
  InspectionResult,
  InspectionTrigger,
  ListingAction,
  ListName,
  ObligationType,
  PenaltyType,
  RecordKind,
} from './vocabulary';

// The canonical record (../shared/API.md): every department's input becomes records of this shape.

export type EntityRef = { uscc: string } | { scheme: string; id: string };

export interface InspectionData {
  result: InspectionResult;
  matter?: string;
  findings?: string | string[];
  violations?: { critical?: number; serious?: number; minor?: number };
  trigger?: InspectionTrigger;
}

export interface PenaltyData {
  penaltyTypes: PenaltyType[];
  fineAmount?: number;
  decisionNo?: string;
  legalBasis?: string;
  violationType?: string;
}

export interface ListingData {
  list: ListName;
  action: ListingAction;
  reason?: string;
}

export interface ComplaintData {
  category: string;
  verified?: boolean;
}

export interface ObligationDefaultData {
  type: ObligationType;
  amount?: number;
}

export interface RegistrationData {
  name: string;
  entityType?: string;
  regionCode?: string;
  industryCode?: string;
  establishedOn?: string;
  registeredCapital?: number;
  legalRepresentative?: { name?: string; idNumber?: string };
  address?: string;
  status?: EntityStatus;
}

export interface KindDataMap {
  inspection: InspectionData;
  penalty: PenaltyData;
  listing: ListingData;
  complaint: ComplaintData;
  obligation_default: ObligationDefaultData;
  registration: RegistrationData;
}

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
