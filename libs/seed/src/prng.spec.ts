import { forkRng, hashIds, WeightedTable } from './prng';

function draw(seed: number, ...ids: (number | string)[]): number[] {
  const rng = forkRng(seed, ...ids);
  return Array.from({ length: 8 }, () => rng.uint32());
}

describe('forkRng', () => {
  it('gives the same stream for the same (seed, ids)', () => {
    expect(draw(42, 'entity', 7)).toEqual(draw(42, 'entity', 7));
  });

  it('gives different streams for different seeds, ids and id types', () => {
    const base = draw(42, 'entity', 7);
    expect(draw(43, 'entity', 7)).not.toEqual(base);
    expect(draw(42, 'entity', 8)).not.toEqual(base);
    expect(draw(42, 'person', 7)).not.toEqual(base);
    expect(draw(42, 'entity', '7')).not.toEqual(base);
    expect(draw(42, 'entity', 7 + 2 ** 32)).not.toEqual(base);
  });

  it('hashes (seed, ids) to 32-bit unsigned integers', () => {
    const h = hashIds(1, 'a', 2);
    expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    expect(hashIds(1, 'a', 2)).toBe(h);
    expect(hashIds(1, 'a', 3)).not.toBe(h);
  });
});

describe('Rng helpers', () => {
  const rng = forkRng(1, 'helpers');
  const n = 20000;

  it('float is in [0, 1) with mean near 1/2', () => {
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.float();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 1);
  });

  it('int covers [min, max] inclusive and nothing else', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(3, 7));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('chance, poisson and normal have the right means', () => {
    let hits = 0;
    let events = 0;
    let normals = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      if (rng.chance(0.3)) hits++;
      events += rng.poisson(2.5);
      const z = rng.normal(10, 2);
      normals += z;
      squares += (z - 10) ** 2;
    }
    expect(hits / n).toBeCloseTo(0.3, 1);
    expect(events / n).toBeCloseTo(2.5, 1);
    expect(normals / n).toBeCloseTo(10, 1);
    expect(Math.sqrt(squares / n)).toBeCloseTo(2, 1);
    expect(rng.poisson(0)).toBe(0);
    expect(rng.poisson(100)).toBeGreaterThan(50);
  });

  it('pick, weightedPick and WeightedTable follow the weights', () => {
    const table = new WeightedTable(['a', 'b', 'c'], [1, 0, 3]);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    const linear: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < n; i++) {
      counts[table.sample(rng)]++;
      linear[rng.weightedPick(['a', 'b', 'c'], [1, 0, 3])]++;
    }
    expect(counts.b).toBe(0);
    expect(linear.b).toBe(0);
    expect(counts.c / n).toBeCloseTo(0.75, 1);
    expect(linear.c / n).toBeCloseTo(0.75, 1);
    expect(['x', 'y']).toContain(rng.pick(['x', 'y']));
  });

  it('WeightedTable rejects empty or all-zero weights', () => {
    expect(() => new WeightedTable([], [])).toThrow(RangeError);
    expect(() => new WeightedTable(['a'], [0])).toThrow(RangeError);
    expect(() => new WeightedTable(['a'], [-1])).toThrow(RangeError);
  });
});
