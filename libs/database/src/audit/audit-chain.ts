import { createHash } from 'node:crypto';

// The hash chain of the audit log, as plain functions: an entry's hash covers every field of the
// entry and the previous entry's hash, so changing or removing any entry breaks every hash after it.

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditFields {
  seq: number;
  at: string; // ISO 8601 with milliseconds, UTC
  actor: string;
  role: string | null;
  source: string | null;
  action: string;
  target: string | null;
  result: string;
  detail: unknown;
}

// JSON with object keys sorted at every level, so the hash does not depend on key order (jsonb
// returns keys in its own order).
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

export function entryHash(prevHash: string, e: AuditFields): string {
  return createHash('sha256')
    .update(
      canonical({
        prev: prevHash,
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        role: e.role,
        source: e.source,
        action: e.action,
        target: e.target,
        result: e.result,
        detail: e.detail,
      }),
    )
    .digest('hex');
}

export interface ChainProblem {
  seq: number;
  problem: 'edited' | 'missing' | 'relinked';
  detail: string;
}

// Checks entries in seq order (a page at a time), carrying the last good hash and seq between calls.
export function checkChain(
  rows: readonly (AuditFields & { prevHash: string; hash: string })[],
  state: { seq: number; hash: string },
  problems: ChainProblem[],
): { seq: number; hash: string } {
  let { seq, hash } = state;
  for (const r of rows) {
    if (r.seq !== seq + 1)
      problems.push({
        seq: seq + 1,
        problem: 'missing',
        detail: `entries ${seq + 1}…${r.seq - 1} are missing`,
      });
    if (r.prevHash !== hash)
      problems.push({
        seq: r.seq,
        problem: 'relinked',
        detail: 'its previous hash is not the hash of the entry before it',
      });
    const want = entryHash(r.prevHash, r);
    if (want !== r.hash)
      problems.push({ seq: r.seq, problem: 'edited', detail: 'its content does not match its hash' });
    seq = r.seq;
    hash = r.hash;
  }
  return { seq, hash };
}
