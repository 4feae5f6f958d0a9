import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { EntityRef, EntitySnapshot } from '@lianjian/domain';

export interface EntityRow extends EntitySnapshot {
  legalRepIdNumber: string | null;
  provisional: boolean;
  // The source whose registration record last set the master data (null: provisional).
  masterSource: string | null;
  createdAt: Date;
  updatedAt: Date;
}

// EntityRepository.relatedPartySignals per entity (the scoring library's RelatedPartySignals).
export interface RelatedPartyCounts {
  sameLegalRepFlagged: number;
  sameAddressFlagged: number;
  sameLegalRepEntities: number;
  sameAddressEntities: number;
}

const ENTITY_COLUMNS = `
  e.id::text AS id, e.uscc, e.ext_scheme AS scheme, e.ext_id AS "externalId", e.name, e.entity_type AS "entityType",
  e.region_code AS "regionCode", e.industry_code AS "industryCode", to_char(e.established_on, 'YYYY-MM-DD') AS "establishedOn",
  e.registered_capital::float8 AS "registeredCapital", e.status, e.legal_rep_name AS "legalRepName",
  e.legal_rep_id_number AS "legalRepIdNumber", e.address, e.provisional, e.master_source AS "masterSource",
  e.created_at AS "createdAt", e.updated_at AS "updatedAt"`;

// Which profiles flag an entity for its related parties: on the serious-violation or court-defaulter
// list, or a severe penalty in 36 months (libs/scoring evaluation mirrors this for backtests).
export const RELATED_PARTY_FLAG = `(p.features->>'on_serious_violation_list')::float8 > 0
  OR (p.features->>'on_court_defaulter_list')::float8 > 0
  OR (p.features->>'severe_penalties_36m')::float8 > 0`;

// The same flag as of a date T, from the records themselves: on the serious-violation or
// court-defaulter list at T (latest addition later than latest removal; same day, removal wins, as
// computeProfile replays them) or a severe penalty in (T - longWindowMonths, T]. A full run snapshots
// it when it starts, so a run as of any date sees its related parties as they stood that day, and
// not as the profiles last computed happen to say. A record repaired (信用修复) on or before T does
// not count, one repaired later still does (countsAsOf). $1 = T (date), $2 = severe penalty types
// (text[]), $3 = the long window in months; selects entity_id.
export const FLAGGED_AS_OF_SQL = `
  SELECT r.entity_id FROM record r
   WHERE r.kind IN ('penalty', 'listing') AND r.occurred_at <= $1::date
     AND (r.counts_until IS NULL OR $1::date < r.counts_until)
   GROUP BY r.entity_id
  HAVING bool_or(r.kind = 'penalty' AND r.occurred_at > ($1::date - make_interval(months => $3::int))::date
                 AND r.data->'penaltyTypes' ?| $2::text[])
      OR coalesce(max(r.occurred_at) FILTER (WHERE r.kind = 'listing' AND r.data->>'list' = 'serious_violation'
                                              AND r.data->>'action' = 'added')
                  > coalesce(max(r.occurred_at) FILTER (WHERE r.kind = 'listing' AND r.data->>'list' = 'serious_violation'
                                                         AND r.data->>'action' = 'removed'), '-infinity'), false)
      OR coalesce(max(r.occurred_at) FILTER (WHERE r.kind = 'listing' AND r.data->>'list' = 'court_defaulter'
                                              AND r.data->>'action' = 'added')
                  > coalesce(max(r.occurred_at) FILTER (WHERE r.kind = 'listing' AND r.data->>'list' = 'court_defaulter'
                                                         AND r.data->>'action' = 'removed'), '-infinity'), false)`;

export interface RelatedPartyRow {
  id: string;
  uscc: string | null;
  scheme: string | null;
  externalId: string | null;
  name: string | null;
  regionCode: string | null;
  legalRepName: string | null;
  byLegalRep: boolean;
  byAddress: boolean;
  score: number | null;
  riskClass: string | null;
  flagged: boolean;
}

@Injectable()
export class EntityRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async findByRef(ref: EntityRef): Promise<EntityRow | undefined> {
    const rows: EntityRow[] =
      'uscc' in ref
        ? await this.ds.query(`SELECT ${ENTITY_COLUMNS} FROM entity e WHERE e.uscc = $1`, [ref.uscc])
        : await this.ds.query(
            `SELECT ${ENTITY_COLUMNS} FROM entity e WHERE e.ext_scheme = $1 AND e.ext_id = $2`,
            [ref.scheme, ref.id],
          );
    return rows[0];
  }

  async findByIds(ids: string[]): Promise<EntityRow[]> {
    if (!ids.length) return [];
    return this.ds.query(
      `SELECT ${ENTITY_COLUMNS} FROM entity e WHERE e.id = ANY($1::bigint[]) ORDER BY e.id`,
      [ids],
    );
  }

  async findRange(fromId: string, toId: string): Promise<EntityRow[]> {
    return this.ds.query(
      `SELECT ${ENTITY_COLUMNS} FROM entity e WHERE e.id BETWEEN $1 AND $2 ORDER BY e.id`,
      [fromId, toId],
    );
  }

  // Chunk boundaries over the entity ids, each holding about `size` entities.
  async idChunks(size: number): Promise<{ fromId: string; toId: string }[]> {
    return this.ds.query(
      `SELECT min(id)::text AS "fromId", max(id)::text AS "toId"
         FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / $1 AS chunk FROM entity) t
        GROUP BY chunk ORDER BY chunk`,
      [size],
    );
  }

  // The related parties themselves (the profile's list): the other entities sharing the entity's legal
  // representative (by ID number) or its registered address, as relatedPartySignals defines them,
  // each with its current score and class (entity_risk) and whether it is flagged now (its current
  // profile, RELATED_PARTY_FLAG, as re-scoring as of today counts it). Only those whose region lies
  // within `prefix` ('' = everywhere) are listed, at most `limit`, flagged first then riskiest; the
  // others are only counted. The ID number never leaves this query.
  async relatedParties(
    id: string,
    prefix: string,
    limit: number,
  ): Promise<{ total: number; outside: number; items: RelatedPartyRow[] }> {
    const [row] = (await this.ds.query(
      `WITH me AS (SELECT id, legal_rep_id_number AS rep, address FROM entity WHERE id = $1),
       rel AS (
         SELECT u.id, bool_or(u.by_rep) AS by_rep, bool_or(u.by_addr) AS by_addr
           FROM (SELECT o.id, true AS by_rep, false AS by_addr
                   FROM me JOIN entity o ON o.legal_rep_id_number = me.rep AND o.id <> me.id
                  WHERE me.rep IS NOT NULL
                 UNION ALL
                 SELECT o.id, false, true
                   FROM me JOIN entity o ON o.address = me.address AND o.id <> me.id
                  WHERE me.address IS NOT NULL) u
          GROUP BY u.id
       ),
       j AS (
         SELECT rel.*, e.region_code, ($2 = '' OR coalesce(left(e.region_code, length($2)) = $2, false)) AS inside
           FROM rel JOIN entity e ON e.id = rel.id
       )
       SELECT (SELECT count(*)::int FROM j WHERE inside) AS total,
              (SELECT count(*)::int FROM j WHERE NOT inside) AS outside,
              coalesce((SELECT json_agg(x ORDER BY x.flagged DESC, x.score DESC NULLS LAST, x.id::bigint) FROM (
                 SELECT e.id::text AS id, e.uscc, e.ext_scheme AS scheme, e.ext_id AS "externalId", e.name,
                        e.region_code AS "regionCode", e.legal_rep_name AS "legalRepName",
                        j.by_rep AS "byLegalRep", j.by_addr AS "byAddress",
                        er.score::float8 AS score, er.risk_class AS "riskClass",
                        EXISTS (SELECT 1 FROM profile p WHERE p.entity_id = e.id AND (${RELATED_PARTY_FLAG})) AS flagged
                   FROM j JOIN entity e ON e.id = j.id LEFT JOIN entity_risk er ON er.entity_id = e.id
                  WHERE j.inside
                  ORDER BY flagged DESC, er.score DESC NULLS LAST, e.id
                  LIMIT $3) x), '[]'::json) AS items`,
      [id, prefix, limit],
    )) as { total: number; outside: number; items: RelatedPartyRow[] }[];
    return row!;
  }

  // Related-party signals (关联方风险): other entities sharing the legal representative or the
  // registered address — how many there are (a nominee representative's entities, a registration
  // hub's 集中登记), and how many of them are flagged (serious-violation or court-defaulter list, or a
  // severe penalty). With `runId`, "flagged" is the run's snapshot, computed from the records as of the
  // run's date when it started (score_run_flagged, FLAGGED_AS_OF_SQL); without (re-scoring as records
  // arrive, as of today), the current profiles. Who shares a representative or address is today's
  // master data in both cases (its history is not kept).
  //
  // Written so that no plan can make it quadratic, whatever the statistics say (none, right after a
  // bulk load): per id of the chunk, a lateral aggregate subquery (never pulled up into a join, as
  // it aggregates) finds the entity by primary key and its candidates through the
  // legal-representative or address index, and the flag is probed per candidate by primary key
  // inside the aggregate, where the planner can neither turn it into a join nor hash the whole
  // snapshot. Written as a join (EXISTS in the WHERE clause), the planner without statistics on the
  // snapshot drove it from every flagged entity of the run, for every entity of the chunk: 1–4 s per
  // chunk of 500 at 20,000 entities, growing with the province, against milliseconds.
  async relatedPartySignals(ids: string[], runId?: string): Promise<Map<string, RelatedPartyCounts>> {
    const out = new Map<string, RelatedPartyCounts>();
    if (!ids.length) return out;
    // 1 when the candidate o is flagged, else null: at most one row (by primary key), and a scalar
    // subquery, which PostgreSQL never turns into a join nor hashes whole (as it may an EXISTS).
    const flagged = runId
      ? `(SELECT 1 FROM score_run_flagged f WHERE f.run_id = $2 AND f.entity_id = o.id)`
      : `(SELECT 1 FROM profile p WHERE p.entity_id = o.id AND (${RELATED_PARTY_FLAG}))`;
    // The candidates counted twice in one pass: all of them, and the flagged ones.
    const sharing = (column: string, as: string) =>
      `CROSS JOIN LATERAL (SELECT count(*)::int AS n, count(${flagged})::int AS flagged
          FROM entity me JOIN entity o ON o.${column} = me.${column} AND o.id <> me.id
         WHERE me.id = k.id AND me.${column} IS NOT NULL AND o.${column} IS NOT NULL) ${as}`;
    // Without statistics the planner guesses ~70 candidates per entity and prices the statement high
    // enough for JIT compilation, which then costs ~200 ms for a statement that runs in ~6 ms.
    const rows: { id: string; rep: number; addr: number; repN: number; addrN: number }[] =
      await this.ds.transaction(async (em) => {
        await em.query(`SET LOCAL jit = off`);
        return em.query(
          `SELECT k.id::text AS id, rep.flagged AS rep, addr.flagged AS addr, rep.n AS "repN", addr.n AS "addrN"
             FROM unnest($1::bigint[]) AS k(id)
             ${sharing('legal_rep_id_number', 'rep')}
             ${sharing('address', 'addr')}`,
          runId ? [ids, runId] : [ids],
        );
      });
    for (const r of rows)
      out.set(r.id, {
        sameLegalRepFlagged: r.rep,
        sameAddressFlagged: r.addr,
        sameLegalRepEntities: r.repN,
        sameAddressEntities: r.addrN,
      });
    return out;
  }
}
