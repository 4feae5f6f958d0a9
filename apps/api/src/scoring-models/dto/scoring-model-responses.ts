import { z } from 'zod';
import { modelCardSchema } from '@lianjian/scoring';

// What the scoring-model routes answer, for the OpenAPI document (and so the console's typed client).
// A model's definition is documented loosely (its shape is the scorecard of config/scoring, checked
// when it is registered): a client reads what it needs of it.

const when = z.string().describe('ISO 8601 instant');
const text = z.object({ zh: z.string(), en: z.string() });

export const modelActivationResponse = z.object({
  version: z.string().describe('the model made active'),
  previousVersion: z.string().nullable().describe('the model it replaced'),
  activatedBy: z.string(),
  reason: z.string().nullable(),
  activatedAt: when,
});

export const scoringModelListResponse = z.object({
  items: z.array(
    z.object({
      version: z.string(),
      name: text.nullable(),
      source: z.string(),
      active: z.boolean(),
      createdAt: when,
      lastActivation: modelActivationResponse.nullable(),
    }),
  ),
});

// The model card as config/scoring/cards holds it (libs/scoring/src/calibration/model-card.ts).
export const modelCardResponse = modelCardSchema;

export const scoringModelResponse = z.object({
  version: z.string(),
  source: z.string(),
  active: z.boolean(),
  createdAt: when,
  definition: z.record(z.string(), z.unknown()),
  card: modelCardResponse.nullable().describe('the model card; null when the version has none'),
  activations: z
    .array(modelActivationResponse)
    .describe('every activation that made this model active or replaced it, newest first'),
});

export const activateResponse = z.object({
  version: z.string(),
  active: z.literal(true),
  previousVersion: z.string().nullable(),
  changed: z.boolean().describe('false: the model was active already (nothing recorded)'),
  card: modelCardResponse.nullable().describe('the model card of the version; null when it has none'),
});
