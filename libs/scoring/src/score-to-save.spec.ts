import { inputsHash } from './score-to-save';

describe('inputsHash (what a score was computed from)', () => {
  const features = { age_years: 2.57, penalties_12m: 1, complaints_12m: 0 };

  it('is the same for the same model, day and features', () => {
    expect(inputsHash('scorecard-v1', '2026-11-23', { ...features })).toBe(
      inputsHash('scorecard-v1', '2026-11-23', features),
    );
  });

  it('changes with the model, the day or any feature value', () => {
    const h = inputsHash('scorecard-v1', '2026-11-23', features);
    expect(inputsHash('scorecard-v2', '2026-11-23', features)).not.toBe(h);
    expect(inputsHash('scorecard-v1', '2026-11-24', features)).not.toBe(h);
    expect(inputsHash('scorecard-v1', '2026-11-23', { ...features, complaints_12m: 1 })).not.toBe(h);
    expect(inputsHash('scorecard-v1', '2026-11-23', { ...features, age_years: 2.58 })).not.toBe(h);
  });
});
