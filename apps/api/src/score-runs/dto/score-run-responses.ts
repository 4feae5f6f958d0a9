import { z } from 'zod';

// What the score-run routes answer, for the OpenAPI document (and so the console's typed client).

const when = z.string().describe('ISO 8601 instant');
const riskClass = z.enum(['A', 'B', 'C', 'D']);
const perClass = z.object({ A: z.number(), B: z.number(), C: z.number(), D: z.number() });
const band = z.object({ target: z.number(), min: z.number(), max: z.number() });
const matrix = z
  .object({ A: perClass, B: perClass, C: perClass, D: perClass })
  .describe('matrix[active class][candidate class]: entities compared (rows 现行模型, columns 候选模型)');

const classMix = z.object({
  policy: z.string().describe('the class-mix policy the run started with'),
  total: z.number().int(),
  counts: perClass,
  shares: perClass.describe('share of entities per class, 0–1'),
  bands: z.object({ A: band, B: band, C: band, D: band }),
  drift: z
    .array(z.object({ riskClass, share: z.number(), min: z.number(), max: z.number() }))
    .describe('the classes whose share is outside the policy band'),
  flagged: z.boolean().describe('true: the model’s class mix drifts beyond the policy'),
});

// The class flows (分类流向) of a shadow run: each entity's active class (its current score when the
// run finished) against the class the candidate model gives it.
const flowCounts = {
  entitiesScored: z.number().int().describe('entities the candidate scored'),
  compared: z.number().int().describe('of which had an active score: the entities compared'),
  withoutActiveScore: z.number().int().describe('scored by the candidate, never by the active model'),
  changedClass: z.number().int().describe('entities compared the candidate puts in another class'),
  toHigherRisk: z.number().int().describe('… in a class of higher risk (e.g. A→D, B→C)'),
  toLowerRisk: z.number().int().describe('… in a class of lower risk (e.g. D→B, C→A)'),
  matrix,
  transitions: z.record(z.string(), z.number().int()).describe('"A→D": entities compared that move so'),
  activeClassDistribution: perClass.describe('entities compared by their active class'),
  shadowClassDistribution: perClass.describe('entities scored by the candidate’s class'),
  activeModels: z
    .record(z.string(), z.number().int())
    .describe('the model versions of the active scores compared, with how many'),
};

export const scoreRunResponse = z.object({
  id: z.string(),
  kind: z
    .enum(['full', 'shadow'])
    .describe('full: a full run (全量评分); shadow: a shadow run (影子运行) of a candidate model'),
  shadowModel: z
    .string()
    .nullable()
    .describe('the candidate model a shadow run scores with (its modelVersion); null for a full run'),
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
      classMix: classMix
        .nullable()
        .describe(
          'null for runs started before runs kept their policy; for a shadow run, the candidate model’s mix',
        ),
      classFlows: z
        .object({ shadowModel: z.string(), ...flowCounts })
        .optional()
        .describe(
          'a shadow run’s class flows over every entity, the active class (当前评分) against the candidate’s; absent for a full run. topMovers then go from the active class and score (previousScore) to the candidate’s',
        ),
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
  shadowModel: z.string().optional().describe('a shadow run: the candidate model it scores with'),
});

export const classFlowsResponse = z.object({
  runId: z.string(),
  shadowModel: z.string().describe('the candidate model (候选模型)'),
  asOf: z.string().describe('YYYY-MM-DD: the day every entity was scored as of'),
  finishedAt: when.nullable(),
  scope: z.object({
    regionPrefix: z
      .string()
      .describe(
        'the region-code prefix the figures cover: the caller’s jurisdiction, or "" (the whole province)',
      ),
    rowsKept: z
      .boolean()
      .describe(
        'true: counted from the run’s stored shadow scores (the latest finished shadow run of its model); false: an earlier run whose scores are no longer kept, read from its summary (province-wide figures)',
      ),
  }),
  ...flowCounts,
  classMix: classMix.nullable().describe('the candidate’s class mix in the scope against the run’s policy'),
  movers: z
    .array(
      z.object({
        entityId: z.string(),
        uscc: z.string().nullable(),
        name: z.string().nullable(),
        activeClass: riskClass,
        activeScore: z.number(),
        activeModel: z.string().nullable(),
        shadowClass: riskClass,
        shadowScore: z.number(),
        shadowProbability: z.number().nullable().describe('calibrated probability (null: no calibration)'),
      }),
    )
    .describe(
      'the biggest movers within the caller’s jurisdiction: most classes apart first, then the largest score change',
    ),
});
