import { createHash, createHmac } from 'node:crypto';
import {
  draw,
  DrawStream,
  sampleWithoutReplacement,
  seedCommitment,
  seedMatchesCommitment,
  snapshotHash,
  type SnapshotEntry,
  verifyDraw,
} from './draw';
import type { RiskStratum } from './strata';

const SEED = 'a1'.repeat(32);
const OTHER_SEED = 'b2'.repeat(32);

function population(n: number): SnapshotEntry[] {
  const classes: RiskStratum[] = ['A', 'A', 'A', 'A', 'A', 'A', 'B', 'B', 'C', 'D'];
  return Array.from({ length: n }, (_, i) => ({
    entityId: String(i + 1),
    uscc: `91330100MA${String(i).padStart(8, '0')}`,
    riskClass: classes[i % classes.length],
  })).sort((a, b) => (a.uscc < b.uscc ? -1 : 1));
}

describe('verifiable draw (lianjian-draw-v1)', () => {
  it('hashes the snapshot as documented: SHA-256 of "<uscc>,<class>\\n" lines in USCC order', () => {
    const snap = population(3);
    const expected = createHash('sha256')
      .update(snap.map((e) => `${e.uscc},${e.riskClass}\n`).join(''))
      .digest('hex');
    expect(snapshotHash(snap)).toBe(expected);
    // an entity without a USCC is keyed by its id
    expect(snapshotHash([{ entityId: '7', uscc: null, riskClass: 'B' }])).toBe(
      createHash('sha256').update('id:7,B\n').digest('hex'),
    );
  });

  it('refuses a snapshot out of canonical order, and a changed class changes the hash', () => {
    const snap = population(5);
    expect(() => snapshotHash([snap[1], snap[0]])).toThrow(/canonical order/);
    const changed = snap.map((e, i) => (i === 2 ? { ...e, riskClass: 'D' as const } : e));
    if (snap[2].riskClass !== 'D') expect(snapshotHash(changed)).not.toBe(snapshotHash(snap));
  });

  it('commits to the seed: only the revealed seed matches its commitment', () => {
    const c = seedCommitment(SEED);
    expect(c).toBe(createHash('sha256').update(`lianjian-seed-v1:${SEED}`).digest('hex'));
    expect(seedMatchesCommitment(SEED, c)).toBe(true);
    expect(seedMatchesCommitment(OTHER_SEED, c)).toBe(false);
    expect(seedMatchesCommitment('not hex', c)).toBe(false);
  });

  it('draws uniform integers from HMAC-SHA256 blocks in counter mode, as documented', () => {
    const s = new DrawStream(SEED, 'plan-1', 'A');
    const block0 = createHmac('sha256', Buffer.from(SEED, 'hex')).update('plan-1|A|0').digest();
    // m = 1000 divides nothing in 2^48, so the limit is floor(2^48/1000)*1000; block 0 is almost surely below it
    expect(s.uniform(1000)).toBe(block0.readUIntBE(0, 6) % 1000);
    expect(s.blocksUsed).toBe(1);
  });

  it('samples without replacement, each item equally likely', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const counts = new Array(10).fill(0);
    for (let t = 0; t < 2000; t++) {
      const got = sampleWithoutReplacement(items, 3, new DrawStream(SEED, `p${t}`, 'A'));
      expect(new Set(got).size).toBe(3);
      for (const g of got) counts[g]++;
    }
    // expected 600 each; a binomial(2000, 0.3) stays within ±80 with overwhelming probability
    for (const c of counts) expect(Math.abs(c - 600)).toBeLessThan(80);
    expect(() => sampleWithoutReplacement(items, 11, new DrawStream(SEED, 'p', 'A'))).toThrow();
  });

  it('draws control first from everyone, then each class from the rest, deterministically', () => {
    const snap = population(1000);
    const allocation = { control: 20, A: 30, B: 20, C: 15, D: 10 };
    const a = draw({ planId: 'plan-1', seedHex: SEED, snapshot: snap, allocation });
    const b = draw({ planId: 'plan-1', seedHex: SEED, snapshot: snap, allocation });
    expect(a).toEqual(b);
    expect(a).toHaveLength(95);
    expect(new Set(a.map((t) => t.entityId)).size).toBe(95);
    expect(a.map((t) => t.order)).toEqual(Array.from({ length: 95 }, (_, i) => i + 1));
    expect(a.slice(0, 20).every((t) => t.stratum === 'control')).toBe(true);
    for (const c of ['A', 'B', 'C', 'D'] as const) {
      const drawn = a.filter((t) => t.stratum === c);
      expect(drawn).toHaveLength(allocation[c]);
      expect(drawn.every((t) => t.riskClass === c)).toBe(true);
    }
    // another seed or another plan gives another list
    const c = draw({ planId: 'plan-1', seedHex: OTHER_SEED, snapshot: snap, allocation });
    const d = draw({ planId: 'plan-2', seedHex: SEED, snapshot: snap, allocation });
    expect(c.map((t) => t.entityId)).not.toEqual(a.map((t) => t.entityId));
    expect(d.map((t) => t.entityId)).not.toEqual(a.map((t) => t.entityId));
  });

  it('verifies a stored draw, and names what was changed: snapshot, seed or list', () => {
    const snap = population(500);
    const allocation = { control: 10, A: 10, B: 10, C: 10, D: 10 };
    const input = { planId: 'plan-9', seedHex: SEED, snapshot: snap, allocation };
    const tasks = draw(input);
    const stored = tasks.map((t) => ({ key: t.uscc!, stratum: t.stratum, order: t.order }));
    const base = {
      ...input,
      snapshotHash: snapshotHash(snap),
      commitment: seedCommitment(SEED),
      tasks: stored,
    };
    expect(verifyDraw(base)).toMatchObject({ ok: true, drawn: 50, problems: [] });

    const tampered = snap.map((e, i) =>
      i === 0 ? { ...e, riskClass: e.riskClass === 'D' ? 'A' : 'D' } : e,
    ) as SnapshotEntry[];
    const r1 = verifyDraw({ ...base, snapshot: tampered });
    expect(r1.ok).toBe(false);
    expect(r1.problems[0]).toMatchObject({ code: 'snapshot_changed' });

    const r2 = verifyDraw({ ...base, seedHex: OTHER_SEED });
    expect(r2.ok).toBe(false);
    expect(r2.problems.map((p) => p.code)).toEqual(['seed_mismatch', 'list_differs']);

    const swapped = stored.map((t, i) => (i === 3 ? { ...t, key: snap[499].uscc! } : t));
    const r3 = verifyDraw({ ...base, tasks: swapped });
    expect(r3.ok).toBe(false);
    expect(r3.problems).toEqual([
      { code: 'list_differs', order: 4, expected: tasks[3].uscc, actual: snap[499].uscc },
    ]);
  });

  // A test vector computed by an independent implementation of the algorithm as README states it
  // (Python's hmac and hashlib, written from the description, not from this code): a verifier who
  // re-implements the draw can check their implementation against the same figures.
  it('matches the published test vector of an independent implementation', () => {
    const snap = population(40);
    expect(snapshotHash(snap)).toBe('aee17a9409eecc70d8c4de005a28dd78f67ff87f81a5398ea8c2c94c8ba91e72');
    const got = draw({
      planId: 'vector-1',
      seedHex: SEED,
      snapshot: snap,
      allocation: { control: 3, A: 2, B: 2, C: 1, D: 1 },
    });
    expect(got.map((t) => [t.entityId, t.stratum])).toEqual([
      ['30', 'control'],
      ['20', 'control'],
      ['27', 'control'],
      ['22', 'A'],
      ['34', 'A'],
      ['8', 'B'],
      ['28', 'B'],
      ['9', 'C'],
      ['40', 'D'],
    ]);
  });
});
