import fs from 'node:fs';
import path from 'node:path';
import { computeProfile, DEFAULT_PROFILE_CONFIG } from '../profile/profile';
import { rankScore, scoreProbability, scoreProfile } from './scorecard';
import { loadScorecard } from './scorecard.schema';

// The calibrated scorecard (scorecard-v1.1: scorecard-v1's points with a Platt calibration and class
// cut points set on the probability), and the scorecards written before calibrations existed.
const read = (f: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(process.cwd(), 'config/scoring', f), 'utf8'));
const v1Json = read('scorecard-v1.json');
const v11Json = read('scorecard-v1.1.json');

describe('calibrated scorecards (校准评分卡)', () => {
  it('loads every published file without the new fields as it is: no calibration, no probability', () => {
    for (const f of ['scorecard-v1.json', 'scorecard-chicago-fit-1.json', 'scorecard-synthetic-fit-1.json']) {
      const json = read(f);
      expect(json.calibration).toBeUndefined();
      const card = loadScorecard(json);
      expect(card.calibration).toBeUndefined();
      expect(scoreProbability(card, 50)).toBeNull();
    }
  });

  it('scorecard-v1.1 keeps the points, floors and profile of scorecard-v1; only classes and calibration differ', () => {
    const v11 = loadScorecard(v11Json);
    const v1 = loadScorecard(v1Json);
    expect(v11.modelVersion).toBe('scorecard-v1.1');
    expect(v11.factors).toEqual(v1.factors);
    expect(v11.floors).toEqual(v1.floors);
    expect(v11.basePoints).toBe(v1.basePoints);
    expect(v11.profile).toEqual(v1.profile);
    expect(v11.calibration?.method).toBe('platt');
    expect(v11.calibration?.horizonMonths).toBe(12);
    expect(v11.classThresholds).not.toEqual(v1.classThresholds);
  });

  it('states its cut points as probabilities that the calibration gives at those points', () => {
    const v11 = loadScorecard(v11Json);
    for (const k of ['B', 'C', 'D'] as const)
      expect(scoreProbability(v11, v11.classThresholds[k])!).toBeCloseTo(
        v11.calibration!.probabilityThresholds[k],
        4,
      );
    // A file whose probability thresholds disagree with its cut points is refused, with the field named.
    const cal = v11Json.calibration as Record<string, unknown>;
    const bad = {
      ...v11Json,
      calibration: { ...cal, probabilityThresholds: { ...(cal.probabilityThresholds as object), D: 0.5 } },
    };
    expect(() => loadScorecard(bad)).toThrow(
      /calibration\.probabilityThresholds\.D: must be the calibrated probability/,
    );
  });

  it('gives a probability that rises with the score and ranks past the 100-point cap', () => {
    const v11 = loadScorecard(v11Json);
    const profileOf = (features: Record<string, number>) => {
      const p = computeProfile(
        {
          entity: {
            id: 'e',
            uscc: null,
            scheme: 't',
            externalId: 'e',
            name: 'e',
            entityType: 'company',
            regionCode: '330106',
            industryCode: 'H6210',
            establishedOn: '2015-01-01',
            registeredCapital: 1,
            status: 'active',
            legalRepName: null,
            address: null,
          },
          records: [],
          asOf: '2025-06-30',
        },
        DEFAULT_PROFILE_CONFIG,
      );
      return { ...p, features: { ...p.features, ...features } };
    };
    const high = scoreProfile(
      profileOf({
        on_serious_violation_list: 1,
        penalties_decayed: 3,
        on_court_defaulter_list: 1,
        on_tax_violation_list: 1,
      }),
      v11,
    );
    const higher = scoreProfile(
      profileOf({
        on_serious_violation_list: 1,
        penalties_decayed: 3,
        on_court_defaulter_list: 1,
        on_tax_violation_list: 1,
        penalties_12m: 3,
      }),
      v11,
    );
    // both shown as 100, told apart by the order key
    expect(high.score).toBe(100);
    expect(higher.score).toBe(100);
    expect(rankScore(higher)).toBeGreaterThan(rankScore(high));
    expect(rankScore(high)).toBe(high.rawScore);
    expect(scoreProbability(v11, higher.rawScore)!).toBeGreaterThan(scoreProbability(v11, high.rawScore)!);
    // a floored entity ranks at its lifted score
    const floored = scoreProfile(profileOf({ on_serious_violation_list: 1 }), v11);
    expect(floored.floorLift).toBeGreaterThan(0);
    expect(rankScore(floored)).toBe(floored.score);
    expect(floored.riskClass).toBe('D');
  });
});
