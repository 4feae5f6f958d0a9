import type { RegistrationData, StoredRecord } from '@lianjian/domain';
import { dayNumber } from '@lianjian/common';
import type { RelatedPartySignals } from '../profile/profile';

// Related-party signals (关联方风险) as they were on a past date, for backtests.
//
// In production EntityRepository.relatedPartySignals counts, in SQL, the OTHER entities that share the
// entity's legal representative (by ID number) or registered address (same text) and whose stored
// profile is flagged: on the serious-violation or court-defaulter list, or a severe penalty in the
// last 36 months. That reads today's entity table and today's profiles, so it is not point-in-time.
// The functions below apply the same definition to a past date instead: each entity's legal
// representative and address as the registration records dated on or before that date show them, and
// each other entity's flag from its profile as of that date. A backtest that fed today's signals
// into a past score would leak the future; one that fed zeros would under-rate a factor the scorecard
// uses.

// The production flag definition (EntityRepository.relatedPartySignals), on one profile's features.
export function isRelatedPartyFlagged(features: Readonly<Record<string, number>>): boolean {
  return (
    (features.on_serious_violation_list ?? 0) > 0 ||
    (features.on_court_defaulter_list ?? 0) > 0 ||
    (features.severe_penalties_36m ?? 0) > 0
  );
}

export interface PartiesAsOf {
  legalRepIdNumber: string | null;
  address: string | null;
}

// The legal representative's ID number and the address as of `asOf`: from the latest registration
// record dated on or before it that carries the field; when no registration record ever carries the
// field, from the entity's current master data (the same fallback computeProfile uses).
export function partiesAsOf(
  records: readonly StoredRecord[],
  asOf: string,
  current: PartiesAsOf = { legalRepIdNumber: null, address: null },
): PartiesAsOf {
  const asOfDay = dayNumber(asOf);
  if (Number.isNaN(asOfDay)) throw new Error(`partiesAsOf: '${asOf}' is not a YYYY-MM-DD date`);
  let carriedRep = false;
  let carriedAddress = false;
  let rep: { day: number; id: string; value: string | null } | undefined;
  let address: { day: number; id: string; value: string | null } | undefined;
  const later = (d: number, id: string, than?: { day: number; id: string }): boolean =>
    !than || d > than.day || (d === than.day && id > than.id);
  for (const r of records) {
    if (r.kind !== 'registration') continue;
    const data = r.data as RegistrationData;
    const d = dayNumber(r.occurredAt);
    const visible = d <= asOfDay;
    const repId = data.legalRepresentative?.idNumber;
    if (repId) {
      carriedRep = true;
      if (visible && later(d, r.id, rep)) rep = { day: d, id: r.id, value: repId };
    }
    if (data.address) {
      carriedAddress = true;
      if (visible && later(d, r.id, address)) address = { day: d, id: r.id, value: data.address };
    }
  }
  return {
    legalRepIdNumber: carriedRep ? (rep?.value ?? null) : current.legalRepIdNumber,
    address: carriedAddress ? (address?.value ?? null) : current.address,
  };
}

export interface RelatedPartyInput extends PartiesAsOf {
  id: string;
  flagged: boolean;
}

// For every entity: how many OTHER flagged entities share its legal representative / its address.
export function relatedSignals(entities: readonly RelatedPartyInput[]): Map<string, RelatedPartySignals> {
  const flaggedByRep = new Map<string, number>();
  const flaggedByAddress = new Map<string, number>();
  for (const e of entities) {
    if (!e.flagged) continue;
    if (e.legalRepIdNumber)
      flaggedByRep.set(e.legalRepIdNumber, (flaggedByRep.get(e.legalRepIdNumber) ?? 0) + 1);
    if (e.address) flaggedByAddress.set(e.address, (flaggedByAddress.get(e.address) ?? 0) + 1);
  }
  const out = new Map<string, RelatedPartySignals>();
  for (const e of entities) {
    const self = e.flagged ? 1 : 0;
    out.set(e.id, {
      sameLegalRepFlagged: e.legalRepIdNumber ? (flaggedByRep.get(e.legalRepIdNumber) ?? 0) - self : 0,
      sameAddressFlagged: e.address ? (flaggedByAddress.get(e.address) ?? 0) - self : 0,
    });
  }
  return out;
}
