import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { RISK_STRATA, type DrawStratum, type RiskStratum } from './strata';

// 双随机抽取 — the verifiable draw, algorithm `lianjian-draw-v1`. Anyone holding the published
// population snapshot, the plan's id, its allocation and the revealed seed can re-run it (this file
// is the whole algorithm; README "Inspection planning" states it in words) and must get the same
// list, in the same order.
//
// 1. Snapshot (抽查对象名录快照): the eligible entities sorted by USCC (then by id, for entities
//    known without one), one line `<key>,<class>\n` each, where key is the USCC or `id:<id>`.
//    snapshotHash = SHA-256 of those lines (UTF-8), hex. Frozen with the plan, before the draw.
// 2. Seed (随机种子): 32 random bytes drawn at freeze. The plan publishes commitment =
//    SHA-256("lianjian-seed-v1:" + seedHex) before the draw, and reveals seedHex after it; no one,
//    the department included, can choose a seed after seeing the snapshot, or change it unnoticed.
// 3. Random stream per stratum label L: block i = HMAC-SHA256(key = seed bytes,
//    message = `${planId}|${L}|${i}`), i = 0, 1, 2, … (counter mode). A uniform integer in [0, m):
//    the block's first 6 bytes as a big-endian integer v; v ≥ floor(2^48 / m)·m is rejected (next
//    block), otherwise v mod m. No bias, and the same numbers on any machine.
// 4. The control stratum (对照组, label `control`) first, over the whole snapshot; then classes A, B,
//    C, D (labels `A`…`D`), each over its class's entities not drawn for control. Each is a partial
//    Fisher–Yates shuffle of the stratum in snapshot order: for j = 0…k−1, r = j + uniform(n − j),
//    swap positions j and r, and position j is the j-th entity drawn — a sample without replacement.
// 5. The task list: control draws, then A, B, C, D, each in draw order.

export const DRAW_ALGORITHM = 'lianjian-draw-v1';
const SEED_PREFIX = 'lianjian-seed-v1:';
const TWO_48 = 2 ** 48;

export interface SnapshotEntry {
  entityId: string;
  uscc: string | null;
  riskClass: RiskStratum;
}

export function snapshotKey(e: Pick<SnapshotEntry, 'entityId' | 'uscc'>): string {
  return e.uscc ?? `id:${e.entityId}`;
}

// Canonical order of a snapshot: by key (code-unit order, the same in every language), ties by id.
export function compareSnapshotEntries(a: SnapshotEntry, b: SnapshotEntry): number {
  const ka = snapshotKey(a);
  const kb = snapshotKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0;
}

// The hash of a snapshot in canonical order; refuses one that is not (an unsorted snapshot hashes to
// something no verifier would reproduce).
export function snapshotHash(entries: readonly SnapshotEntry[]): string {
  const h = createHash('sha256');
  const parts: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (i > 0 && compareSnapshotEntries(entries[i - 1], entries[i]) >= 0)
      throw new Error(`snapshot not in canonical order at position ${i} (快照未按统一社会信用代码排序)`);
    parts.push(`${snapshotKey(entries[i])},${entries[i].riskClass}\n`);
    if (parts.length === 4096) {
      h.update(parts.join(''));
      parts.length = 0;
    }
  }
  h.update(parts.join(''));
  return h.digest('hex');
}

export function newSeed(): string {
  return randomBytes(32).toString('hex');
}

export function seedCommitment(seedHex: string): string {
  assertSeed(seedHex);
  return createHash('sha256')
    .update(SEED_PREFIX + seedHex.toLowerCase())
    .digest('hex');
}

export function seedMatchesCommitment(seedHex: string, commitment: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(seedHex) || !/^[0-9a-f]{64}$/i.test(commitment)) return false;
  return timingSafeEqual(Buffer.from(seedCommitment(seedHex), 'hex'), Buffer.from(commitment, 'hex'));
}

function assertSeed(seedHex: string): void {
  if (!/^[0-9a-f]{64}$/i.test(seedHex))
    throw new Error('a seed is 64 hexadecimal characters (种子应为64位十六进制)');
}

// Counter-mode HMAC-SHA256 stream of uniform integers for one label.
export class DrawStream {
  private counter = 0;
  private readonly key: Buffer;

  constructor(
    seedHex: string,
    private readonly planId: string,
    private readonly label: string,
  ) {
    assertSeed(seedHex);
    this.key = Buffer.from(seedHex, 'hex');
  }

  // Uniform in [0, m), m ≥ 1.
  uniform(m: number): number {
    if (!Number.isInteger(m) || m < 1 || m > TWO_48) throw new RangeError(`uniform(${m})`);
    const limit = Math.floor(TWO_48 / m) * m;
    for (;;) {
      const block = createHmac('sha256', this.key)
        .update(`${this.planId}|${this.label}|${this.counter++}`)
        .digest();
      const v = block.readUIntBE(0, 6);
      if (v < limit) return v % m;
    }
  }

  get blocksUsed(): number {
    return this.counter;
  }
}

// Partial Fisher–Yates: the first k of `items` after k swaps, in draw order. `items` is copied.
export function sampleWithoutReplacement<T>(items: readonly T[], k: number, stream: DrawStream): T[] {
  if (k > items.length) throw new RangeError(`cannot draw ${k} of ${items.length}`);
  const a = items.slice();
  for (let j = 0; j < k; j++) {
    const r = j + stream.uniform(a.length - j);
    const t = a[j];
    a[j] = a[r];
    a[r] = t;
  }
  return a.slice(0, k);
}

export interface Drawn {
  entityId: string;
  uscc: string | null;
  riskClass: RiskStratum;
  stratum: DrawStratum; // 'control' or the class
  order: number; // 1-based task number in the list
}

export interface DrawInput {
  planId: string;
  seedHex: string;
  snapshot: readonly SnapshotEntry[]; // canonical order
  allocation: Readonly<Record<DrawStratum, number>>;
}

export function draw(input: DrawInput): Drawn[] {
  const { planId, seedHex, snapshot, allocation } = input;
  const out: Drawn[] = [];
  const push = (e: SnapshotEntry, stratum: DrawStratum) =>
    out.push({ entityId: e.entityId, uscc: e.uscc, riskClass: e.riskClass, stratum, order: out.length + 1 });

  const control = sampleWithoutReplacement(
    snapshot,
    allocation.control ?? 0,
    new DrawStream(seedHex, planId, 'control'),
  );
  const taken = new Set<string>();
  for (const e of control) {
    taken.add(e.entityId);
    push(e, 'control');
  }
  for (const c of RISK_STRATA) {
    const k = allocation[c] ?? 0;
    if (k === 0) continue;
    const members = snapshot.filter((e) => e.riskClass === c && !taken.has(e.entityId));
    for (const e of sampleWithoutReplacement(members, k, new DrawStream(seedHex, planId, c))) push(e, c);
  }
  return out;
}

export interface VerifyInput extends DrawInput {
  snapshotHash: string; // as frozen
  commitment: string; // as published before the draw
  // as drawn and stored, each named by its snapshot key (USCC, or id:<id>), so that a verifier holding
  // only the published snapshot file (which has no internal ids) can compare
  tasks: readonly { key: string; stratum: DrawStratum; order: number }[];
}

export type VerifyProblem =
  | { code: 'snapshot_changed'; expected: string; actual: string }
  | { code: 'seed_mismatch' }
  | { code: 'list_differs'; order: number; expected?: string; actual?: string };

export interface VerifyResult {
  ok: boolean;
  algorithm: string;
  snapshotHash: string;
  drawn: number;
  problems: VerifyProblem[];
}

// Re-runs the draw from the published seed and snapshot and compares it with the stored list.
export function verifyDraw(input: VerifyInput): VerifyResult {
  const problems: VerifyProblem[] = [];
  const actualHash = snapshotHash(input.snapshot);
  if (actualHash !== input.snapshotHash)
    problems.push({ code: 'snapshot_changed', expected: input.snapshotHash, actual: actualHash });
  if (!seedMatchesCommitment(input.seedHex, input.commitment)) problems.push({ code: 'seed_mismatch' });
  const again = draw(input);
  const stored = [...input.tasks].sort((a, b) => a.order - b.order);
  const n = Math.max(again.length, stored.length);
  for (let i = 0; i < n; i++) {
    const e = again[i];
    const s = stored[i];
    const ek = e ? snapshotKey(e) : undefined;
    if (!e || !s || ek !== s.key || e.stratum !== s.stratum) {
      problems.push({ code: 'list_differs', order: i + 1, expected: ek, actual: s?.key });
      break; // the first difference is the answer; the rest follows from it
    }
  }
  return {
    ok: problems.length === 0,
    algorithm: DRAW_ALGORITHM,
    snapshotHash: actualHash,
    drawn: again.length,
    problems,
  };
}
