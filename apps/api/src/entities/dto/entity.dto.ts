import { z } from 'zod';

export const historyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('≤ 500, default 100'),
});
export type HistoryQuery = z.infer<typeof historyQuery>;

const scoreId = z.string().regex(/^\d{1,18}$/, 'must be a score id from the score history');
export const compareQuery = z.strictObject({
  from: scoreId.describe('score id (the earlier score); default the one before `to`').optional(),
  to: scoreId.describe('score id (the later score); default the latest').optional(),
});
export type CompareQuery = z.infer<typeof compareQuery>;

// What the profile routes answer (documented in the OpenAPI document through ApiZodOk, and checked
// against real answers in test/integration/pipeline.integration-spec.ts).
const isoDateTime = z.string().describe('ISO 8601 date-time');
const isoDate = z.string().describe('YYYY-MM-DD');
const riskClass = z.enum(['A', 'B', 'C', 'D']);
export const localizedText = z.strictObject({ zh: z.string(), en: z.string() });

export const FACTOR_GROUPS = [
  'basic',
  'dynamic',
  'supervision',
  'obligations',
  'social',
  'related',
  'other',
] as const;
export const factorContribution = z.strictObject({
  name: z.string(),
  group: z.enum(FACTOR_GROUPS),
  label: localizedText,
  value: z.number(),
  points: z.number().describe('after the cap, 2 decimals'),
  capped: z.boolean(),
});

export const appliedFloor = z.strictObject({ id: z.string(), label: localizedText, minClass: riskClass });

const scoreCore = {
  id: z.string(),
  score: z.number().describe('min(max(rawScore, range)) + floorLift, 1 decimal'),
  basePoints: z.number(),
  rawScore: z.number().describe('basePoints + Σ factors[].points'),
  floorLift: z.number().describe('points a floor added to reach its class'),
  probability: z
    .number()
    .nullable()
    .describe(
      'calibrated probability of an adverse finding within the horizon of the model version (12 months): σ(a + b × rawScore); null for a model without a calibration',
    ),
  classBeforeFloors: riskClass,
  riskClass,
  previousClass: riskClass.nullable(),
  modelVersion: z.string(),
  asOf: isoDate,
  computedAt: isoDateTime,
  factors: z.array(factorContribution),
  floorsApplied: z.array(appliedFloor),
};

export const entityView = z.strictObject({
  id: z.string(),
  key: z.string().describe('USCC, or scheme:id'),
  uscc: z.string().nullable(),
  scheme: z.string().nullable(),
  externalId: z.string().nullable(),
  name: z.string().nullable(),
  entityType: z.string().nullable(),
  regionCode: z.string().nullable(),
  regionName: z.string().nullable(),
  industryCode: z.string().nullable(),
  industryName: localizedText.nullable(),
  establishedOn: z.string().nullable(),
  registeredCapital: z.number().nullable(),
  status: z.string().nullable(),
  legalRepresentative: z
    .strictObject({ name: z.string().nullable(), idNumber: z.string().nullable() })
    .nullable()
    .describe('masked (张*, 330106********123X) unless the role holds personal-data:read'),
  address: z.string().nullable(),
  provisional: z.boolean(),
  masterSource: z.string().nullable(),
});

// A record as the profile lists it; its data sits under its kind (e.g. `penalty: {…}`), masked per role.
export const profileRecord = z
  .object({
    id: z.string(),
    source: z.string(),
    sourceRecordId: z.string(),
    kind: z.string(),
    departmentCode: z.string().nullable(),
    occurredAt: z.string().nullable(),
    version: z.number(),
    repaired: z.boolean().describe('信用修复: no longer counts from countsUntil on'),
    countsUntil: z.string().nullable(),
    repairId: z.string().nullable(),
  })
  .catchall(z.unknown());

export const entityDetailResponse = z.strictObject({
  entity: entityView,
  profile: z
    .strictObject({ asOf: isoDate, features: z.record(z.string(), z.number()), computedAt: isoDateTime })
    .nullable(),
  peers: z
    .strictObject({
      level: z.enum(['county', 'city', 'province', 'all']),
      region: z.string().nullable(),
      industry: z.string(),
      size: z.number().int(),
      percentile: z.number().describe('share of peers with a lower score, ties half'),
      higher: z.number().int(),
      explanation: localizedText,
    })
    .nullable(),
  score: z.strictObject(scoreCore).nullable(),
  records: z.array(profileRecord),
});
export type EntityDetailResponse = z.infer<typeof entityDetailResponse>;

export const scoreHistoryResponse = z.strictObject({
  entity: z.string(),
  items: z.array(z.strictObject({ ...scoreCore, trigger: z.string() })),
});

const scoreBrief = z.strictObject({
  id: z.string(),
  score: z.number(),
  riskClass,
  modelVersion: z.string(),
  asOf: isoDate,
  trigger: z.string(),
  computedAt: isoDateTime,
});
const side = z.strictObject({ value: z.number(), points: z.number() });

export const compareResponse = z.strictObject({
  entity: z.string(),
  from: scoreBrief,
  to: scoreBrief,
  comparison: z.strictObject({
    scoreDelta: z.number(),
    classBefore: riskClass,
    classAfter: riskClass,
    classChanged: z.boolean(),
    modelChanged: z.boolean(),
    floorsAdded: z.array(appliedFloor),
    floorsRemoved: z.array(appliedFloor),
    factors: z
      .array(
        z.strictObject({
          name: z.string(),
          label: localizedText,
          before: side,
          after: side,
          pointsDelta: z.number(),
        }),
      )
      .describe('changed factors, largest |pointsDelta| first'),
  }),
  explanation: localizedText,
});

// 关联主体: the entities sharing the legal representative (by ID number, never shown) or the address.
export const RELATED_LIMIT = 50;
export const relatedPartiesResponse = z.strictObject({
  entity: z.string().describe('the entity whose related parties these are'),
  total: z
    .number()
    .int()
    .describe('related entities within the caller’s jurisdiction (items: at most 50 of them)'),
  outside: z
    .number()
    .int()
    .describe('related entities outside the caller’s jurisdiction: counted, never named'),
  items: z
    .array(
      z.strictObject({
        key: z.string().describe('USCC, or scheme:id'),
        uscc: z.string().nullable(),
        name: z.string().nullable(),
        regionCode: z.string().nullable(),
        regionName: z.string().nullable(),
        relation: z.enum(['legal_rep', 'address', 'both']),
        legalRepName: z
          .string()
          .nullable()
          .describe('its legal representative, masked (张*) unless the role holds personal-data:read'),
        score: z.number().nullable().describe('current score (entity_risk); null if never scored'),
        riskClass: riskClass.nullable(),
        flagged: z
          .boolean()
          .describe('on the serious-violation or court-defaulter list, or a severe penalty in 36 months'),
      }),
    )
    .describe('flagged first, then the highest score'),
});
export type RelatedPartiesResponse = z.infer<typeof relatedPartiesResponse>;
