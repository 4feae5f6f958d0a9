import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { storableJson, storableText } from '@lianjian/common';
import { checkChain, entryHash, GENESIS_HASH, type ChainProblem } from './audit-chain';

export interface AuditEntry {
  actor: string; // user name, api key id, or system:<component>
  role?: string | null;
  source?: string | null; // where from: client address, or the job
  action: string; // e.g. 'entity.read', 'case.transition', 'rule.publish'
  target?: string | null; // what: 'entity:91330106…', 'alert:42'
  result: 'ok' | 'denied' | 'failed' | string;
  detail?: Record<string, unknown>;
}

export interface AuditVerification {
  entries: number;
  ok: boolean;
  problems: ChainProblem[];
  headSeq: number;
  headHash: string;
}

// Arbitrary constant: serialises appends, so every entry's hash commits to its predecessor's.
const AUDIT_LOCK = 7_042_016;

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  // Appends one entry, in the caller's transaction when given one (so the entry commits with the
  // write it records), else in its own.
  async append(entry: AuditEntry, em?: EntityManager): Promise<{ seq: number; hash: string }> {
    const run = async (m: EntityManager) => {
      await m.query(`SELECT pg_advisory_xact_lock($1)`, [AUDIT_LOCK]);
      const [last] = (await m.query(
        `SELECT seq::int AS seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`,
      )) as {
        seq: number;
        hash: string;
      }[];
      const [{ now }] = (await m.query(
        `SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now`,
      )) as {
        now: string;
      }[];
      const fields = {
        seq: (last?.seq ?? 0) + 1,
        at: now,
        // What a request carried (a path parameter, a feed name) is kept as it came, but NUL and lone
        // surrogates escaped: PostgreSQL refuses them, and the entry was lost.
        actor: storableText(entry.actor),
        role: entry.role ?? null,
        source: entry.source == null ? null : storableText(entry.source),
        action: storableText(entry.action),
        target: entry.target == null ? null : storableText(entry.target),
        result: entry.result,
        detail: storableJson(entry.detail ?? {}),
      };
      const prevHash = last?.hash ?? GENESIS_HASH;
      const hash = entryHash(prevHash, fields);
      await m.query(
        `INSERT INTO audit_log (seq, at, actor, role, source, action, target, result, detail, prev_hash, hash)
         VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          fields.seq,
          fields.at,
          fields.actor,
          fields.role,
          fields.source,
          fields.action,
          fields.target,
          fields.result,
          JSON.stringify(fields.detail),
          prevHash,
          hash,
        ],
      );
      return { seq: fields.seq, hash };
    };
    return em ? run(em) : this.ds.transaction(run);
  }

  // Recomputes the whole chain, a page at a time: an edited entry, a deleted one (a gap in seq) or a
  // re-linked one is reported with its seq.
  async verify(pageSize = 10_000): Promise<AuditVerification> {
    const problems: ChainProblem[] = [];
    let state = { seq: 0, hash: GENESIS_HASH };
    let entries = 0;
    for (;;) {
      const rows = (await this.ds.query(
        `SELECT seq::int AS seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, role,
                source, action, target, result, detail, prev_hash AS "prevHash", hash
           FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [state.seq, pageSize],
      )) as Parameters<typeof checkChain>[0];
      if (!rows.length) break;
      state = checkChain(rows, state, problems);
      entries += rows.length;
    }
    return { entries, ok: problems.length === 0, problems, headSeq: state.seq, headHash: state.hash };
  }

  // The log for auditors, newest first: filtered by who, what (action prefix), target, result and time.
  async list(f: {
    actor?: string;
    action?: string;
    target?: string;
    result?: string;
    since?: Date;
    until?: Date;
    before?: number;
    limit: number;
  }): Promise<(AuditEntry & { seq: number; at: Date; hash: string })[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.actor) where.push(`actor = ${p(f.actor)}`);
    if (f.action) where.push(`action LIKE ${p(f.action.replace(/[\\%_]/g, (c) => `\\${c}`) + '%')}`);
    if (f.target) where.push(`target = ${p(f.target)}`);
    if (f.result) where.push(`result = ${p(f.result)}`);
    if (f.since) where.push(`at >= ${p(f.since)}`);
    if (f.until) where.push(`at < ${p(f.until)}`);
    if (f.before) where.push(`seq < ${p(f.before)}`);
    return (await this.ds.query(
      `SELECT seq::int AS seq, at, actor, role, source, action, target, result, detail, hash
         FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY seq DESC LIMIT ${p(f.limit)}`,
      params,
    )) as (AuditEntry & { seq: number; at: Date; hash: string })[];
  }
}
