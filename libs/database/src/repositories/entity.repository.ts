import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { EntityRef, EntitySnapshot } from '@lianjian/domain';

export interface EntityRow extends EntitySnapshot {
  legalRepIdNumber: string | null;
  provisional: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const ENTITY_COLUMNS = `
  e.id::text AS id, e.uscc, e.ext_scheme AS scheme, e.ext_id AS "externalId", e.name, e.entity_type AS "entityType",
  e.region_code AS "regionCode", e.industry_code AS "industryCode", to_char(e.established_on, 'YYYY-MM-DD') AS "establishedOn",
  e.registered_capital::float8 AS "registeredCapital", e.status, e.legal_rep_name AS "legalRepName",
  e.legal_rep_id_number AS "legalRepIdNumber", e.address, e.provisional,
  e.created_at AS "createdAt", e.updated_at AS "updatedAt"`;

// Which profiles flag an entity for its related parties: on the serious-violation or court-defaulter
// list, or a severe penalty in 36 months (libs/scoring evaluation mirrors this for backtests).
export const RELATED_PARTY_FLAG = `(p.features->>'on_serious_violation_list')::float8 > 0
  OR (p.features->>'on_court_defaulter_list')::float8 > 0
  OR (p.features->>'severe_penalties_36m')::float8 > 0`;

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

  // Related-party signals (关联方风险): other entities sharing the legal representative or the
  // registered address that are currently flagged (serious-violation or court-defaulter list, or a
  // severe penalty) according to their current profile.
  // With `runId`, "flagged" is the run's snapshot taken at its start (score_run_flagged); without,
  // the current profiles. Either way the flag is looked up per candidate by primary key: the
  // candidates come from the legal-representative and address indexes.
  async relatedPartySignals(
    ids: string[],
    runId?: string,
  ): Promise<Map<string, { sameLegalRepFlagged: number; sameAddressFlagged: number }>> {
    const out = new Map<string, { sameLegalRepFlagged: number; sameAddressFlagged: number }>();
    if (!ids.length) return out;
    const flagged = runId
      ? `EXISTS (SELECT 1 FROM score_run_flagged f WHERE f.run_id = $2 AND f.entity_id = o.id)`
      : `EXISTS (SELECT 1 FROM profile p WHERE p.entity_id = o.id AND (${RELATED_PARTY_FLAG}))`;
    const rows: { id: string; rep: number; addr: number }[] = await this.ds.query(
      `SELECT me.id::text AS id,
              (SELECT count(*)::int FROM entity o
                WHERE me.legal_rep_id_number IS NOT NULL AND o.legal_rep_id_number = me.legal_rep_id_number
                  AND o.id <> me.id AND ${flagged}) AS rep,
              (SELECT count(*)::int FROM entity o
                WHERE me.address IS NOT NULL AND o.address = me.address AND o.id <> me.id AND ${flagged}) AS addr
         FROM entity me WHERE me.id = ANY($1::bigint[])`,
      runId ? [ids, runId] : [ids],
    );
    for (const r of rows) out.set(r.id, { sameLegalRepFlagged: r.rep, sameAddressFlagged: r.addr });
    return out;
  }
}
