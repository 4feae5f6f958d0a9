import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  afterCommit,
  currentTransactionScope,
  METRICS,
  NO_METRICS,
  outsideTransactionScope,
  storableJson,
  storableText,
  type Metrics,
} from '@lianjian/common';
import { returningRows } from '../returning-rows';
import { checkChain, entryHash, GENESIS_HASH, type AuditFields, type ChainProblem } from './audit-chain';

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
  // 'incremental': from the last checkpoint (an entry a verification found intact) to the head;
  // 'full': the whole chain from its first entry.
  mode: 'incremental' | 'full';
  from: number; // the seq verification started after (0 for the whole chain)
  entries: number; // entries hashed by this verification
  ok: boolean;
  problems: ChainProblem[];
  headSeq: number;
  headHash: string;
}

// Arbitrary constant: one chainer at a time moves pending entries into the chain, so every entry's
// hash commits to its predecessor's. Writes never take it.
const CHAIN_LOCK = 7_042_016;
const CHAIN_BATCH = 1000;
// What is kept of a caller's free text (a path parameter, an actor name): an entry stays small
// whatever the request carried.
const MAX_FIELD = 512;
const log = new Logger('AuditRepository');

const storable = (s: string | null | undefined): string | null => (s == null ? null : storableText(s));
const bounded = (s: string | null | undefined): string | null =>
  s == null ? null : s.length <= MAX_FIELD ? s : `${s.slice(0, MAX_FIELD - 1)}…`;

@Injectable()
export class AuditRepository {
  private chaining?: Promise<void>;
  private queued?: Promise<void>;
  private lastFailureLogged = 0;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Optional() @Inject(METRICS) private readonly metrics: Metrics = NO_METRICS,
  ) {}

  // Appends one entry, in the caller's transaction when given one or when a request transaction is
  // open (so the entry commits with the write it records, or neither does), else in its own. No lock
  // is taken: the entry waits in audit_pending (its order is its id) until the chainer hashes it into
  // the chain, at the latest before anyone reads or verifies the log. An entry appended in its own
  // transaction is chained before this returns.
  async append(entry: AuditEntry, em?: EntityManager): Promise<void> {
    const db = em ?? this.ds;
    await db.query(
      `INSERT INTO audit_pending (actor, role, source, action, target, result, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        // What a request carried (a path parameter, a feed name) is kept as it came, but NUL and lone
        // surrogates escaped (PostgreSQL refuses them, and the entry was lost) and its length bounded.
        bounded(storable(entry.actor)),
        bounded(entry.role ?? null),
        bounded(storable(entry.source)),
        bounded(storable(entry.action)),
        bounded(storable(entry.target)),
        bounded(entry.result),
        JSON.stringify(storableJson(entry.detail ?? {})),
      ],
    );
    // Chained once committed: now when the entry had its own transaction, after the request
    // transaction's commit when one is open; a caller's own transaction (the worker's) leaves it to
    // the periodic chainer or the next reader.
    if (currentTransactionScope()) await afterCommit(() => this.chainSoon());
    else if (!em) await this.chainSoon();
  }

  // Moves every committed pending entry into the chain. Calls while a pass runs share the next pass
  // (which starts after they were made, so it sees what they committed); a failed pass is logged,
  // the entries stay pending for the next one (nothing is lost).
  chainSoon(): Promise<void> {
    if (!this.chaining) {
      const pass: Promise<void> = this.chainAll().then(
        () => undefined,
        (e: Error) => {
          // While the database is unreachable every pass fails: logged at most once a minute.
          if (Date.now() - this.lastFailureLogged < 60_000) return;
          this.lastFailureLogged = Date.now();
          log.error(`audit entries not chained yet (they stay pending): ${e.message}`);
        },
      );
      this.chaining = pass.finally(() => (this.chaining = undefined));
      return this.chaining;
    }
    this.queued ??= this.chaining.then(() => {
      this.queued = undefined;
      return this.chainSoon();
    });
    return this.queued;
  }

  // Chains pending entries in batches until none is left; the number chained.
  async chainAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const results = await outsideTransactionScope(() => this.chainBatch());
      // Counted once chained: an entry whose write rolled back never reaches the chain nor the count.
      for (const r of results) this.metrics.auditAppended(r);
      const n = results.length;
      total += n;
      if (n < CHAIN_BATCH) return total;
    }
  }

  // The results of the entries chained (their count is the batch size).
  private chainBatch(): Promise<string[]> {
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock($1)`, [CHAIN_LOCK]);
      const pending = await returningRows<Omit<AuditFields, 'seq'> & { id: string }>(
        m,
        `DELETE FROM audit_pending WHERE id IN (SELECT id FROM audit_pending ORDER BY id LIMIT $1)
         RETURNING id::text AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
                   actor, role, source, action, target, result, detail`,
        [CHAIN_BATCH],
      );
      if (!pending.length) return [];
      pending.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      const [last] = (await m.query(
        `SELECT seq::int AS seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`,
      )) as { seq: number; hash: string }[];
      let seq = last?.seq ?? 0;
      let prevHash = last?.hash ?? GENESIS_HASH;
      const rows = pending.map(({ id: _id, ...e }) => {
        const fields: AuditFields = { ...e, seq: ++seq, detail: e.detail ?? {} };
        const hash = entryHash(prevHash, fields);
        const row = { ...fields, prev_hash: prevHash, hash };
        prevHash = hash;
        return row;
      });
      await m.query(
        `INSERT INTO audit_log (seq, at, actor, role, source, action, target, result, detail, prev_hash, hash)
         SELECT seq, at, actor, role, source, action, target, result, detail, prev_hash, hash
           FROM jsonb_to_recordset($1::jsonb) AS x(seq bigint, at timestamptz, actor text, role text,
                source text, action text, target text, result text, detail jsonb, prev_hash text, hash text)`,
        [JSON.stringify(rows)],
      );
      return rows.map((r) => r.result);
    });
  }

  // Recomputes the chain, a page at a time: an edited entry, a deleted one (a gap in seq) or a
  // re-linked one is reported with its seq. By default from the last checkpoint (the head a
  // verification last found intact: entries before it are not hashed again); full: from the first
  // entry. A verification that finds the chain intact moves the checkpoint to the head.
  async verify(opts: { full?: boolean; pageSize?: number } = {}): Promise<AuditVerification> {
    const pageSize = opts.pageSize ?? 10_000;
    await this.chainSoon();
    const problems: ChainProblem[] = [];
    let state = { seq: 0, hash: GENESIS_HASH };
    if (!opts.full) {
      const [cp] = (await this.ds.query(`SELECT seq::int AS seq, hash FROM audit_verify_checkpoint`)) as {
        seq: number;
        hash: string;
      }[];
      if (cp) {
        state = cp;
        // The checkpoint entry itself must still be there, with the hash that was verified: a chain
        // cut back or rewritten from before the checkpoint is found without hashing it all again.
        const [at] = (await this.ds.query(`SELECT hash FROM audit_log WHERE seq = $1`, [cp.seq])) as {
          hash: string;
        }[];
        if (!at)
          problems.push({ seq: cp.seq, problem: 'missing', detail: 'the last verified entry is missing' });
        else if (at.hash !== cp.hash)
          problems.push({
            seq: cp.seq,
            problem: 'edited',
            detail: 'the last verified entry no longer has the hash it was verified with',
          });
      }
    }
    const from = state.seq;
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
    if (!problems.length && state.seq > 0)
      await this.ds.query(
        `INSERT INTO audit_verify_checkpoint (seq, hash) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, verified_at = now()
          WHERE audit_verify_checkpoint.seq <= EXCLUDED.seq`,
        [state.seq, state.hash],
      );
    return {
      mode: opts.full ? 'full' : 'incremental',
      from,
      entries,
      ok: problems.length === 0,
      problems,
      headSeq: state.seq,
      headHash: state.hash,
    };
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
    // Chain on read: an entry whose write has answered is in the log its reader sees.
    await this.chainSoon();
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
