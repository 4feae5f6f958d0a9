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

// For every entity: how many OTHER entities share its legal representative / its address, and how
// many of those are flagged. The counts are over the entities given: pass them all.
export function relatedSignals(entities: readonly RelatedPartyInput[]): Map<string, RelatedPartySignals> {
  const byRep = new Map<string, { n: number; flagged: number }>();
  const byAddress = new Map<string, { n: number; flagged: number }>();
  const add = (m: Map<string, { n: number; flagged: number }>, key: string, flagged: boolean) => {
    const c = m.get(key);
    if (c) {
      c.n++;
      c.flagged += flagged ? 1 : 0;
    } else m.set(key, { n: 1, flagged: flagged ? 1 : 0 });
  };
  for (const e of entities) {
    if (e.legalRepIdNumber) add(byRep, e.legalRepIdNumber, e.flagged);
    if (e.address) add(byAddress, e.address, e.flagged);
  }
  const out = new Map<string, RelatedPartySignals>();
  for (const e of entities) {
    const self = e.flagged ? 1 : 0;
    const rep = e.legalRepIdNumber ? byRep.get(e.legalRepIdNumber)! : undefined;
    const addr = e.address ? byAddress.get(e.address)! : undefined;
    out.set(e.id, {
      sameLegalRepFlagged: rep ? rep.flagged - self : 0,
      sameAddressFlagged: addr ? addr.flagged - self : 0,
      sameLegalRepEntities: rep ? rep.n - 1 : 0,
      sameAddressEntities: addr ? addr.n - 1 : 0,
    });
  }
  return out;
}

// Who held which legal representative and address when, for many dates (a backtest scores cases as
// of hundreds of dates): each entity's values as partiesAsOf gives them, as day intervals per value,
// built once. signals() then gives, for one entity and date, exactly what relatedSignals over every
// entity (partiesAsOf of each as of that date) gives for it, reading only the entities sharing a
// value with it.
export interface PartyHistoryInput {
  id: string;
  records: readonly StoredRecord[];
  current: PartiesAsOf; // master data, for a field no registration record carries
}

interface Held {
  id: string;
  from: number; // day number, inclusive
  to: number; // exclusive; Infinity while still held
}

export class RelatedPartyIndex {
  private readonly byRep = new Map<string, Held[]>();
  private readonly byAddress = new Map<string, Held[]>();
  private readonly own = new Map<string, { rep: Held[]; address: Held[] }>();

  constructor(entities: Iterable<PartyHistoryInput>) {
    for (const e of entities) {
      const rep = this.timeline(
        e,
        (d) => d.legalRepresentative?.idNumber || null,
        e.current.legalRepIdNumber,
      );
      const address = this.timeline(e, (d) => d.address || null, e.current.address);
      for (const [m, list] of [
        [this.byRep, rep],
        [this.byAddress, address],
      ] as const)
        for (const h of list) {
          const held = m.get(h.value);
          if (held) held.push(h);
          else m.set(h.value, [h]);
        }
      this.own.set(e.id, { rep, address });
    }
  }

  // The intervals in which the entity held each value of one field (partiesAsOf's rule: the latest
  // registration record on or before the day that carries the field, ties by record id; nothing
  // before the first; the master data throughout when no record carries the field).
  private timeline(
    e: PartyHistoryInput,
    read: (d: RegistrationData) => string | null,
    current: string | null,
  ): (Held & { value: string })[] {
    const carried: { day: number; id: string; value: string }[] = [];
    for (const r of e.records) {
      if (r.kind !== 'registration') continue;
      const value = read(r.data as RegistrationData);
      if (value) carried.push({ day: dayNumber(r.occurredAt), id: r.id, value });
    }
    if (!carried.length) return current ? [{ id: e.id, from: -Infinity, to: Infinity, value: current }] : [];
    carried.sort((a, b) => a.day - b.day || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const out: (Held & { value: string })[] = [];
    carried.forEach((c, i) => {
      const to = i + 1 < carried.length ? carried[i + 1].day : Infinity;
      if (to > c.day) out.push({ id: e.id, from: c.day, to, value: c.value });
    });
    return out;
  }

  // `flagged`: whether an entity is flagged as of the date (only asked of entities sharing a value).
  signals(id: string, asOf: string, flagged: (id: string) => boolean): RelatedPartySignals {
    const day = dayNumber(asOf);
    if (Number.isNaN(day)) throw new Error(`RelatedPartyIndex: '${asOf}' is not a YYYY-MM-DD date`);
    const own = this.own.get(id);
    const count = (mine: readonly (Held & { value?: string })[] | undefined, m: Map<string, Held[]>) => {
      const h = mine?.find((x) => x.from <= day && day < x.to) as (Held & { value: string }) | undefined;
      let n = 0;
      let f = 0;
      if (h)
        for (const o of m.get(h.value) ?? [])
          if (o.id !== id && o.from <= day && day < o.to) {
            n++;
            if (flagged(o.id)) f++;
          }
      return { n, f };
    };
    const rep = count(own?.rep, this.byRep);
    const addr = count(own?.address, this.byAddress);
    return {
      sameLegalRepFlagged: rep.f,
      sameAddressFlagged: addr.f,
      sameLegalRepEntities: rep.n,
      sameAddressEntities: addr.n,
    };
  }
}
