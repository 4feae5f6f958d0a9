import { z } from 'zod';

// What the score-run routes answer, for the OpenAPI document (and so the console's typed client).

const when = z.string().describe('ISO 8601 instant');
const riskClass = z.enum(['A', 'B', 'C', 'D']);
const perClass = z.object({ A: z.number(), B: z.number(), C: z.number(), D: z.number() });
const band = z.object({ target: z.number(), min: z.number(), max: z.number() });

export const scoreRunResponse = z.object({
  id: z.string(),
  trigger: z.string().describe('schedule (the nightly run) or manual'),
  asOf: z.string().describe('YYYY-MM-DD'),
  modelVersion: z.string(),
  status: z.enum(['running', 'done', 'skipped']),
  skippedReason: z.string().nullable(),
  progress: z.object({
    chunks: z.object({ done: z.number().int(), total: z.number().int() }),
    entities: z.object({ scored: z.number().int(), total: z.number().int() }),
    ratio: z.number().describe('chunks done / chunks total, 0–1'),
  }),
  scoresChanged: z.number().int(),
  summary: z
    .object({
      scoresWritten: z
        .number()
        .int()
        .optional()
        .describe('entities given a new score row: score, class, floors or model changed (or a first score)'),
      unchanged: z
        .number()
        .int()
        .optional()
        .describe(
          'entities only checked: scored, outcome unchanged, no new row (their profile names this run)',
        ),
      classDistribution: z.record(z.string(), z.number().int()).describe('entities per class after the run'),
      movedClass: z.number().int(),
      transitions: z.record(z.string(), z.number().int()).describe('e.g. "A→C": entities that moved so'),
      topMovers: z.array(
        z.object({
          entityId: z.string(),
          uscc: z.string().nullable(),
          name: z.string().nullable(),
          from: riskClass,
          to: riskClass,
          score: z.number(),
          previousScore: z.number().nullable(),
        }),
      ),
      classMix: z
        .object({
          policy: z.string().describe('the class-mix policy the run started with'),
          total: z.number().int(),
          counts: perClass,
          shares: perClass.describe('share of entities per class, 0–1'),
          bands: z.object({ A: band, B: band, C: band, D: band }),
          drift: z
            .array(z.object({ riskClass, share: z.number(), min: z.number(), max: z.number() }))
            .describe('the classes whose share is outside the policy band'),
          flagged: z.boolean().describe('true: the model’s class mix drifts beyond the policy'),
        })
        .nullable()
        .describe('null for runs started before runs kept their policy'),
    })
    .nullable()
    .describe('when done'),
  startedAt: when,
  finishedAt: when.nullable(),
});

export const scoreRunListResponse = z.object({
  items: z.array(scoreRunResponse),
  nextCursor: z.string().nullable(),
});

export const scoreRunStartedResponse = z.object({
  runId: z.string(),
  status: z.literal('queued'),
});
