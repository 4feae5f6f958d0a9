import {
  choleskySolve,
  chooseL2,
  fitLogistic,
  fitLogisticWithSigns,
  meanLogLoss,
  predictLogit,
  sigmoid,
} from './logistic';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

// Rows drawn from a known logistic model: intercept −1, x0 ~ N(0,1) β 0.8, x1 ~ Bernoulli(0.3) β 1.5,
// x2 ~ U(0, 5) β −0.4 (a level on its own scale, as days or years are), x3 constant.
function simulate(n: number, seed: number): { rows: number[][]; labels: (0 | 1)[] } {
  const r = rng(seed);
  const rows: number[][] = [];
  const labels: (0 | 1)[] = [];
  for (let i = 0; i < n; i++) {
    const x = [normal(r), r() < 0.3 ? 1 : 0, 5 * r(), 7];
    const eta = -1 + 0.8 * x[0] + 1.5 * x[1] - 0.4 * x[2];
    rows.push(x);
    labels.push(r() < sigmoid(eta) ? 1 : 0);
  }
  return { rows, labels };
}

describe('fitLogistic', () => {
  const { rows, labels } = simulate(40_000, 3);

  it('recovers known weights on the original scale of the columns', () => {
    const m = fitLogistic(rows, labels, { l2: 0 });
    expect(m.converged).toBe(true);
    expect(m.iterations).toBeLessThan(15);
    expect(m.intercept).toBeCloseTo(-1, 1);
    expect(m.coefficients[0]).toBeCloseTo(0.8, 1);
    expect(m.coefficients[1]).toBeCloseTo(1.5, 1);
    expect(m.coefficients[2]).toBeCloseTo(-0.4, 1);
    expect(m.coefficients[3]).toBe(0); // no variance: not estimated
    // the predicted log-odds reproduce the truth for a given row
    expect(predictLogit(m, [1, 1, 2, 7])).toBeCloseTo(-1 + 0.8 + 1.5 - 0.8, 1);
  });

  it('shrinks the coefficients as λ grows, and a huge λ leaves the base rate only', () => {
    const weak = fitLogistic(rows, labels, { l2: 1 });
    const strong = fitLogistic(rows, labels, { l2: 10_000 });
    const flat = fitLogistic(rows, labels, { l2: 1e12 });
    const norm = (c: number[]) => Math.hypot(...c);
    expect(norm(strong.coefficients)).toBeLessThan(norm(weak.coefficients));
    expect(norm(flat.coefficients)).toBeLessThan(1e-6);
    const rate = labels.filter((l) => l === 1).length / labels.length;
    expect(sigmoid(flat.intercept)).toBeCloseTo(rate, 6);
  });

  it('finds a finite fit on separable data when penalised', () => {
    const sepRows = [[0], [1], [2], [3]];
    const m = fitLogistic(sepRows, [0, 0, 1, 1], { l2: 0.1 });
    expect(Number.isFinite(m.coefficients[0])).toBe(true);
    expect(m.coefficients[0]).toBeGreaterThan(0);
  });

  it('refuses input it cannot fit', () => {
    expect(() => fitLogistic([], [])).toThrow(/no rows/);
    expect(() => fitLogistic([[1], [2]], [1, 1])).toThrow(/both classes/);
    expect(() => fitLogistic([[1], [NaN]], [0, 1])).toThrow(/non-finite/);
    expect(() => fitLogistic([[1], [2]], [0, 1], { l2: -1 })).toThrow(/l2/);
  });
});

describe('chooseL2 and meanLogLoss', () => {
  it('prefers a weak penalty when the signal is real and there is plenty of data', () => {
    const { rows, labels } = simulate(8_000, 5);
    const isValidation = rows.map((_, i) => i % 5 === 0);
    const choice = chooseL2(rows, labels, isValidation, [0.1, 100_000]);
    expect(choice.l2).toBe(0.1);
    expect(choice.tried).toHaveLength(2);
    expect(choice.tried[0].validationLogLoss).toBeLessThan(choice.tried[1].validationLogLoss);
  });

  it('is the mean cross-entropy', () => {
    // a model predicting p = ½ everywhere costs ln 2 per row
    expect(meanLogLoss({ intercept: 0, coefficients: [0] }, [[1], [2]], [0, 1])).toBeCloseTo(Math.LN2, 12);
  });
});

describe('fitLogisticWithSigns', () => {
  // col 0 adds risk (β +1), col 1 lowers it (β −0.5), col 2 adds a little (β +0.3)
  const r = rng(9);
  const rows: number[][] = [];
  const labels: (0 | 1)[] = [];
  for (let i = 0; i < 20_000; i++) {
    const x = [normal(r), normal(r), normal(r)];
    rows.push(x);
    labels.push(r() < sigmoid(-1 + x[0] - 0.5 * x[1] + 0.3 * x[2]) ? 1 : 0);
  }

  it('leaves out a column whose fitted sign contradicts its known direction and refits the rest', () => {
    const { model, removed } = fitLogisticWithSigns(rows, labels, [1, 1, 1], { l2: 1 });
    expect(removed).toEqual([1]);
    expect(model.coefficients[1]).toBe(0);
    expect(model.coefficients[0]).toBeCloseTo(1, 1);
    expect(model.coefficients[2]).toBeCloseTo(0.3, 1);
  });

  it('leaves every column in when the signs agree or are free', () => {
    const free = fitLogisticWithSigns(rows, labels, [1, 0, 1], { l2: 1 });
    expect(free.removed).toEqual([]);
    expect(free.model.coefficients[1]).toBeCloseTo(-0.5, 1);
    expect(fitLogisticWithSigns(rows, labels, [1, -1, 0], { l2: 1 }).removed).toEqual([]);
    expect(() => fitLogisticWithSigns(rows, labels, [1, 1])).toThrow(/2 signs for 3 columns/);
  });
});

describe('choleskySolve', () => {
  it('solves a symmetric positive definite system', () => {
    const a = new Float64Array([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]);
    const x = choleskySolve(a, new Float64Array([1, 2, 3]), 3);
    const back = [0, 1, 2].map((i) => a[i * 3] * x[0] + a[i * 3 + 1] * x[1] + a[i * 3 + 2] * x[2]);
    back.forEach((v, i) => expect(v).toBeCloseTo(i + 1, 12));
    expect(() => choleskySolve(new Float64Array([1, 2, 2, 1]), new Float64Array([1, 1]), 2)).toThrow(
      /positive definite/,
    );
  });
});
