// A small, fast, seedable PRNG (sfc32, 128-bit state) with the sampling helpers the synthetic
// generator needs. Streams are derived from (seed, ...ids) by hashing, so any entity, person or
// address can be generated on its own, in any order, in any process.

export type RngId = number | string;

const TWO_POW_32 = 4294967296;

function mix(h: number, k: number): number {
  // murmur3 round: cheap and avalanches well enough to seed sfc32
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixId(h: number, id: RngId): number {
  if (typeof id === 'number' && Number.isSafeInteger(id)) {
    // tag 1 = integer; low and high words so ids beyond 2^32 stay distinct
    h = mix(h, 1);
    h = mix(h, id >>> 0);
    return mix(h, Math.floor(id / TWO_POW_32) | 0);
  }
  const s = String(id);
  h = mix(h, 2);
  h = mix(h, s.length);
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return h;
}

// 32-bit hash of (seed, ...ids); also used for seed-dependent constants.
export function hashIds(seed: number, ...ids: RngId[]): number {
  let h = mixId(0x9e3779b9, seed);
  for (const id of ids) h = mixId(h, id);
  return fmix(h);
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = NaN;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    // sfc32 wants a few rounds to decorrelate nearby seeds
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const t = (((a + b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  // Uniform in [0, 1).
  float(): number {
    return this.uint32() / TWO_POW_32;
  }

  // Uniform integer in [min, max], both inclusive.
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  // Linear scan: fine for short lists; use WeightedTable for hot paths.
  weightedPick<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.float() * total;
    for (let i = 0; i < items.length; i++) {
      u -= weights[i];
      if (u < 0) return items[i];
    }
    return items[items.length - 1];
  }

  // Standard normal by Box-Muller (the second value is kept for the next call).
  normal(mean = 0, sd = 1): number {
    let z = this.spareNormal;
    if (Number.isNaN(z)) {
      const u = 1 - this.float(); // (0, 1]
      const v = this.float();
      const r = Math.sqrt(-2 * Math.log(u));
      z = r * Math.cos(2 * Math.PI * v);
      this.spareNormal = r * Math.sin(2 * Math.PI * v);
    } else {
      this.spareNormal = NaN;
    }
    return mean + sd * z;
  }

  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  // Knuth's method for the small rates we use; normal approximation for large ones.
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda > 30) return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }

  // A child stream, independent of how much of this one is consumed later.
  fork(...ids: RngId[]): Rng {
    return forkRng(this.uint32(), ...ids);
  }
}

// The stream for (seed, ...ids): same inputs, same numbers, on any machine.
export function forkRng(seed: number, ...ids: RngId[]): Rng {
  const h = hashIds(seed, ...ids);
  return new Rng(fmix(h ^ 0x243f6a88), fmix(h ^ 0x85a308d3), fmix(h ^ 0x13198a2e), fmix(h ^ 0x03707344));
}

// Weighted sampling by binary search over cumulative weights, for large or hot tables.
export class WeightedTable<T> {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(
    readonly items: readonly T[],
    weights: readonly number[],
  ) {
    if (items.length === 0 || items.length !== weights.length)
      throw new RangeError('WeightedTable: items and weights must be non-empty and of equal length');
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    for (let i = 0; i < items.length; i++) {
      if (!(weights[i] >= 0)) throw new RangeError(`WeightedTable: weight ${i} is not a non-negative number`);
      sum += weights[i];
      this.cumulative[i] = sum;
    }
    if (!(sum > 0)) throw new RangeError('WeightedTable: weights sum to zero');
    this.total = sum;
  }

  sample(rng: Rng): T {
    const u = rng.float() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}
