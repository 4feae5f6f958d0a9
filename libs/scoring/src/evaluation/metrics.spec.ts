import {
  auc,
  baseRate,
  classDistribution,
  daysEarlier,
  liftAt,
  precisionAt,
  topCount,
  type Label,
} from './metrics';
import { summarizeBacktest } from './backtest';

// A small deterministic generator for the brute-force comparisons.
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

// P(score of a positive > score of a negative) + ½ P(tie), by enumerating every pair.
function pairwiseAuc(scores: number[], labels: Label[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (!labels[i]) return;
    scores.forEach((sn, j) => {
      if (labels[j]) return;
      pairs++;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('auc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one and ½ when everything ties', () => {
    expect(auc([4, 3, 2, 1], [1, 1, 0, 0])).toBe(1);
    expect(auc([1, 2, 3, 4], [1, 1, 0, 0])).toBe(0);
    expect(auc([7, 7, 7, 7], [1, 0, 1, 0])).toBe(0.5);
  });

  it('counts a tie between a positive and a negative as half a win (hand-computed)', () => {
    // pairs (pos, neg): (0.9, 0.8) 1, (0.9, 0.3) 1, (0.8, 0.8) ½, (0.8, 0.3) 1 ⇒ 3.5 / 4
    expect(auc([0.9, 0.8, 0.8, 0.3], [1, 1, 0, 0])).toBeCloseTo(0.875, 12);
  });

  it('equals the pairwise definition on random data with many ties, in any row order', () => {
    const r = rng(7);
    const scores = Array.from({ length: 300 }, () => Math.floor(r() * 12));
    const labels = scores.map((s) => (r() < 0.1 + s / 20 ? 1 : 0)) as Label[];
    const expected = pairwiseAuc(scores, labels);
    expect(auc(scores, labels)).toBeCloseTo(expected, 12);
    const reversed = [...scores.keys()].reverse();
    expect(
      auc(
        reversed.map((i) => scores[i]),
        reversed.map((i) => labels[i]),
      ),
    ).toBeCloseTo(expected, 12);
  });

  it('accepts boolean labels, is NaN with one class only, and refuses bad input', () => {
    expect(auc([2, 1], [true, false])).toBe(1);
    expect(auc([2, 1], [1, 1])).toBeNaN();
    expect(() => auc([1, 2], [1])).toThrow(/2 scores but 1 labels/);
    expect(() => auc([1, NaN], [1, 0])).toThrow(/score 1 is NaN/);
  });
});

describe('precisionAt / liftAt', () => {
  it('takes round(n × fraction) cases from the top, at least one', () => {
    expect(topCount(1637, 0.1)).toBe(164);
    expect(topCount(1637, 0.05)).toBe(82);
    expect(topCount(3, 0.05)).toBe(1);
    expect(() => topCount(10, 0)).toThrow(/fraction/);
  });

  it('counts a tie straddling the cut pro rata (hand-computed)', () => {
    // 10 cases, top 20% = 2: the single 5 (positive), then one of the three 4s of which one is positive
    // ⇒ expected positives 1 + 1/3 among 2
    const scores = [5, 4, 4, 4, 3, 3, 2, 2, 1, 1];
    const labels: Label[] = [1, 0, 1, 0, 1, 0, 0, 0, 0, 0];
    expect(precisionAt(scores, labels, 0.2)).toBeCloseTo((1 + 1 / 3) / 2, 12);
    expect(precisionAt(scores, labels, 0.1)).toBe(1);
    expect(precisionAt(scores, labels, 0.4)).toBeCloseTo(2 / 4, 12);
    // lift = precision ÷ base rate (3 of 10)
    expect(baseRate(labels)).toBeCloseTo(0.3, 12);
    expect(liftAt(scores, labels, 0.1)).toBeCloseTo(1 / 0.3, 12);
    expect(liftAt(scores, labels, 1)).toBeCloseTo(1, 12);
  });

  it('does not depend on the order of tied rows', () => {
    const a = precisionAt([1, 1, 1, 1], [1, 0, 0, 0], 0.5);
    const b = precisionAt([1, 1, 1, 1], [0, 0, 0, 1], 0.5);
    expect(a).toBeCloseTo(0.25, 12);
    expect(b).toBeCloseTo(0.25, 12);
  });
});

describe('daysEarlier', () => {
  it('moves the riskiest inspection to the first slot (hand-computed)', () => {
    // four inspections on four days; the one of 09-04 found a critical violation and scores highest:
    // in score order it takes the 09-01 slot ⇒ 3 days earlier.
    const res = daysEarlier([
      { date: '2014-09-01', score: 0.1, label: 0 },
      { date: '2014-09-02', score: 0.2, label: 0 },
      { date: '2014-09-03', score: 0.3, label: 0 },
      { date: '2014-09-04', score: 0.9, label: 1 },
    ]);
    expect(res.daysEarlier).toBe(3);
    expect(res.positives).toBe(1);
    expect(res.cases).toBe(4);
    // first half = days whose cumulative count stays < 2 = 09-01 only
    expect(res.firstHalf).toEqual({ actual: 0, simulated: 1 });
  });

  it('keeps the number of inspections per day and is negative for a bad ranking', () => {
    // slots 09-01, 09-01, 09-02, 09-03; the positive on 09-01 ranks last ⇒ takes 09-03: 2 days later.
    const res = daysEarlier([
      { date: '2014-09-01', score: 0.1, label: 1 },
      { date: '2014-09-01', score: 0.5, label: 0 },
      { date: '2014-09-02', score: 0.6, label: 0 },
      { date: '2014-09-03', score: 0.7, label: 0 },
    ]);
    expect(res.daysEarlier).toBe(-2);
  });

  it('gives a tie group its block of slots in expectation', () => {
    // slots 01, 01, 02, 03: the 0.9 takes 01; the two 0.5s share {01, 02} ⇒ mean 01.5 each; the
    // positive among them was inspected on 03 ⇒ 1.5 days earlier in expectation.
    const res = daysEarlier([
      { date: '2014-09-01', score: 0.9, label: 0 },
      { date: '2014-09-03', score: 0.5, label: 1 },
      { date: '2014-09-01', score: 0.5, label: 0 },
      { date: '2014-09-02', score: 0.1, label: 0 },
    ]);
    expect(res.daysEarlier).toBeCloseTo(1.5, 12);
  });

  it('matches the Chicago project’s computation (stable sort, no ties) on random data', () => {
    const r = rng(11);
    const cases = Array.from({ length: 200 }, () => {
      const day = 1 + Math.floor(r() * 40);
      const score = r();
      return {
        date: `2014-09-${String(Math.min(day, 30)).padStart(2, '0')}`,
        score,
        label: (r() < score * 0.4 ? 1 : 0) as Label,
      };
    });
    // data.table: dat[order(-score), simulated_date := dat[order(date), date]]; mean(date - sim) over pos
    const dates = cases.map((c) => Number(c.date.slice(8)));
    const sortedDates = [...dates].sort((a, b) => a - b);
    const byScore = [...cases.keys()].sort((a, b) => cases[b].score - cases[a].score);
    const simulated = new Array<number>(cases.length);
    byScore.forEach((i, slot) => (simulated[i] = sortedDates[slot]));
    const pos = [...cases.keys()].filter((i) => cases[i].label === 1);
    const expected = pos.reduce((s, i) => s + dates[i] - simulated[i], 0) / pos.length;
    expect(daysEarlier(cases).daysEarlier).toBeCloseTo(expected, 10);
  });

  it('is 0 for the actual order and refuses a bad date', () => {
    // scores that follow the actual date order exactly (earliest = highest) reproduce the calendar
    const res = daysEarlier([
      { date: '2014-09-01', score: 3, label: 1 },
      { date: '2014-09-02', score: 2, label: 1 },
      { date: '2014-09-03', score: 1, label: 0 },
    ]);
    expect(res.daysEarlier).toBe(0);
    expect(() => daysEarlier([{ date: '2014-13-01', score: 1, label: 1 }])).toThrow(/not a YYYY-MM-DD/);
  });
});

describe('classDistribution and summarizeBacktest', () => {
  it('counts cases and positives per class and puts the figures together', () => {
    const cases = [
      {
        score: 80,
        riskClass: 'D' as const,
        label: 1 as Label,
        inspection: { date: '2014-09-02', label: 1 as Label },
      },
      {
        score: 50,
        riskClass: 'C' as const,
        label: 0 as Label,
        inspection: { date: '2014-09-01', label: 0 as Label },
      },
      { score: 30, riskClass: 'B' as const, label: 1 as Label },
      { score: 10, riskClass: 'A' as const, label: 0 as Label },
      { score: 10, riskClass: 'A' as const, label: 0 as Label },
    ];
    expect(classDistribution(cases)).toEqual({
      A: { n: 2, positives: 0 },
      B: { n: 1, positives: 1 },
      C: { n: 1, positives: 0 },
      D: { n: 1, positives: 1 },
    });
    const s = summarizeBacktest(cases);
    expect(s.n).toBe(5);
    expect(s.positives).toBe(2);
    expect(s.baseRate).toBeCloseTo(0.4, 12);
    // pairs: D beats C, A, A (3); B beats A, A (2) and loses to C (0) ⇒ 5 / 6
    expect(s.auc).toBeCloseTo(5 / 6, 12);
    expect(s.precisionAt10).toBe(1);
    expect(s.liftAt10).toBeCloseTo(2.5, 12);
    // only the two inspected cases take part: the positive moves from 09-02 to 09-01
    expect(s.schedule?.daysEarlier).toBe(1);
    expect(summarizeBacktest(cases.slice(2)).schedule).toBeNull();
  });
});
