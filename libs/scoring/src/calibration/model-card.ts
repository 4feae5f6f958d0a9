import { z } from 'zod';
import { formatZodIssues } from '@lianjian/common';

// 模型说明书 (model card): what one model version is, on what history it was made and how well it did,
// in one document kept beside the model (config/scoring/cards/<modelVersion>.json), written by
// `npm run fit`, served by GET /api/v1/scoring-models/{version}/card and answered by an activation.
// The model file stays the only thing that scores; the card only describes it, so a card may be added
// for a published model (scorecard-v1) without touching the model.

export const MODEL_CARDS_DIR = 'scoring/cards'; // relative to CONFIG_DIR

const text = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
const share = z.number().min(0).max(1);
const classShares = z.strictObject({ A: share, B: share, C: share, D: share });
const nullableNumber = z.number().nullable();

export const modelCardSchema = z.strictObject({
  modelVersion: z.string().min(1),
  writtenAt: z.string().min(1), // ISO date
  writtenBy: z.string().min(1), // the command
  summary: text,
  training: z
    .strictObject({
      data: z.string().min(1),
      window: z.string().min(1),
      label: z.string().min(1),
      cases: z.number().int().min(0),
      positives: z.number().int().min(0),
      method: z.string().min(1),
    })
    .nullable(), // null: points set by hand (scorecard-v1)
  evaluations: z.array(
    z.strictObject({
      dataset: z.string().min(1),
      cases: z.string().min(1), // which cases: the held-out period
      n: z.number().int().min(0),
      positives: z.number().int().min(0),
      auc: nullableNumber,
      precisionAt10: nullableNumber,
      daysEarlier: nullableNumber,
      brier: nullableNumber,
      classMix: classShares,
      measuredAt: z.string().min(1),
    }),
  ),
  calibration: z
    .strictObject({
      method: z.string().min(1),
      formula: z.string().min(1),
      fittedOn: z.string().min(1),
      outcome: z.string().min(1),
      horizonMonths: z.number().int().positive().nullable(),
      brier: nullableNumber, // on the held-out cases
      reliability: z.array(
        z.strictObject({
          bin: z.number().int(),
          n: z.number().int(),
          predicted: z.number(),
          observed: z.number(),
        }),
      ),
    })
    .nullable(), // null: the model has no calibration
  classes: z.strictObject({
    thresholds: z.strictObject({ B: z.number(), C: z.number(), D: z.number() }),
    probabilityThresholds: z.strictObject({ B: z.number(), C: z.number(), D: z.number() }).nullable(),
    policy: z.string().nullable(),
    trainingMix: classShares.nullable(), // the mix the thresholds give on the training cases
  }),
  topFactors: z.array(
    z.strictObject({
      feature: z.string().min(1),
      label: text,
      points: z.number(),
      maxPoints: z.number().nullable(), // the cap, null when uncapped
      transform: z.string().min(1),
      rationale: z.string().optional(),
    }),
  ),
  notes: z.array(z.string()).optional(),
});

export type ModelCard = z.output<typeof modelCardSchema>;

export function loadModelCard(json: unknown): ModelCard {
  const result = modelCardSchema.safeParse(json);
  if (result.success) return result.data;
  throw new Error(`Invalid model card: ${formatZodIssues(result.error).join('; ')}`);
}
