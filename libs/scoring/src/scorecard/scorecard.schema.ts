import { z } from 'zod';
import { formatZodIssues } from '@lianjian/common';
import { FEATURE_NAMES } from '../profile/profile';

// A scorecard (评分卡) is data under config/scoring/: every point it gives is visible and versioned.

// The shipped model, relative to the repository root. Callers read and parse the file; the loader
// below takes parsed JSON and never touches the file system.
export const SCORECARD_V1_PATH = 'config/scoring/scorecard-v1.json';

const localizedText = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
const riskClass = z.enum(['A', 'B', 'C', 'D']);
const positive = z.number().positive();
const probability = z.number().gt(0).lte(1);

export const FACTOR_TRANSFORMS = ['linear', 'log1p', 'binary'] as const;
export type FactorTransform = (typeof FACTOR_TRANSFORMS)[number];

// Overrides of DEFAULT_PROFILE_CONFIG; the industry table is the scorecard's top-level industryRisk.
const profileOverrides = z.strictObject({
  halfLifeDays: z
    .strictObject({
      inspection: positive.optional(),
      penalty: positive.optional(),
      complaint: positive.optional(),
      obligation: positive.optional(),
    })
    .optional(),
  shortWindowMonths: z.number().int().positive().optional(),
  longWindowMonths: z.number().int().positive().optional(),
  largeFineCny: z.number().min(0).optional(),
  newlyEstablishedMonths: z.number().int().positive().optional(),
  maxDaysSinceInspection: z.number().int().positive().optional(),
  defaultIndustryRiskLevel: z.literal([1, 2, 3]).optional(),
});

export function createScorecardSchema(knownFeatures: readonly string[] = FEATURE_NAMES) {
  const known = new Set(knownFeatures);
  const feature = z
    .string()
    .min(1)
    .superRefine((name, ctx) => {
      if (!known.has(name)) ctx.addIssue({ code: 'custom', message: `unknown feature '${name}'` });
    });

  return z
    .strictObject({
      modelVersion: z.string().min(1),
      name: localizedText,
      description: localizedText.optional(),
      basePoints: z.number(),
      factors: z.array(
        z.strictObject({
          feature,
          points: z.number(), // per unit of the (transformed) feature value
          cap: positive.optional(), // max absolute points of this factor
          transform: z.enum(FACTOR_TRANSFORMS).optional(), // default linear
          label: localizedText.optional(),
          rationale: z.string().optional(),
        }),
      ),
      floors: z.array(
        z.strictObject({
          id: z.string().min(1),
          feature,
          op: z.enum(['gte', 'gt', 'eq']),
          value: z.number(),
          minClass: riskClass,
          label: localizedText,
          rationale: z.string().optional(),
        }),
      ),
      classThresholds: z.strictObject({ B: z.number(), C: z.number(), D: z.number() }),
      scoreRange: z.strictObject({ min: z.number(), max: z.number() }),
      industryRisk: z.array(
        z.strictObject({
          prefix: z.string().regex(/^[A-T]\d{0,4}$/, 'a GB/T 4754 code prefix such as H62'),
          level: z.literal([1, 2, 3]),
          note: z.string().optional(),
        }),
      ),
      profile: profileOverrides.optional(),
      // 部门罚款中位数表 (issue 15): each department's median fine, learnt by npm run fit from the
      // training window's penalty records (fit/fine-table.ts); the profile's fine_relative_decayed
      // divides each fine by it. Optional: models without it (v1, v2) score exactly as before.
      departmentFines: z
        .strictObject({
          overallMedian: positive, // CNY: departments with fewer than minPenalties fines use it
          overallPenalties: z.number().int().positive(),
          minPenalties: z.number().int().positive(),
          fittedOn: z.string().min(1).optional(),
          departments: z.array(
            z.strictObject({
              departmentCode: z.string().min(1),
              medianFine: positive,
              penalties: z.number().int().positive(),
            }),
          ),
        })
        .optional(),
      // Optional (files written before it existed load as they are): the probability of an adverse
      // finding within `horizonMonths` that a raw score means, and the probabilities at which the
      // class cut points (classThresholds) were set by the class-mix policy. calibration/calibration.ts.
      calibration: z
        .strictObject({
          method: z.literal('platt'),
          a: z.number(),
          b: positive,
          outcome: z.string().min(1), // what the probability is of (the label of the history)
          horizonMonths: z.number().int().positive().optional(), // absent: the outcome has no horizon (next inspection)
          fittedOn: z.string().min(1), // the history: data and window
          cases: z.number().int().positive(),
          positives: z.number().int().min(0),
          policy: z.string().min(1).optional(), // the class-mix policy the thresholds follow
          // σ(a + b × classThresholds.K): the class cut points as probabilities
          probabilityThresholds: z.strictObject({ B: probability, C: probability, D: probability }),
        })
        .optional(),
    })
    .superRefine((card, ctx) => {
      const { min, max } = card.scoreRange;
      if (!(max > min))
        ctx.addIssue({
          code: 'custom',
          path: ['scoreRange', 'max'],
          message: `must be greater than scoreRange.min (${min})`,
        });
      const t = card.classThresholds;
      if (!(t.B > min))
        ctx.addIssue({
          code: 'custom',
          path: ['classThresholds', 'B'],
          message: `must be greater than scoreRange.min (${min})`,
        });
      if (!(t.C > t.B))
        ctx.addIssue({
          code: 'custom',
          path: ['classThresholds', 'C'],
          message: `must be greater than classThresholds.B (${t.B})`,
        });
      if (!(t.D > t.C))
        ctx.addIssue({
          code: 'custom',
          path: ['classThresholds', 'D'],
          message: `must be greater than classThresholds.C (${t.C})`,
        });
      if (!(t.D <= max))
        ctx.addIssue({
          code: 'custom',
          path: ['classThresholds', 'D'],
          message: `must not exceed scoreRange.max (${max})`,
        });
      // The probability thresholds are the cut points seen through the calibration, or the two would
      // tell different stories about the same class.
      const cal = card.calibration;
      if (cal)
        (['B', 'C', 'D'] as const).forEach((k) => {
          const p = 1 / (1 + Math.exp(-(cal.a + cal.b * t[k])));
          if (Math.abs(p - cal.probabilityThresholds[k]) > 5e-4)
            ctx.addIssue({
              code: 'custom',
              path: ['calibration', 'probabilityThresholds', k],
              message: `must be the calibrated probability at classThresholds.${k} (${t[k]} points ⇒ ${Math.round(p * 10_000) / 10_000})`,
            });
        });
      // One contribution per feature, or the explanation would list the same name twice.
      const seenFeatures = new Map<string, number>();
      card.factors.forEach((factor, i) => {
        const first = seenFeatures.get(factor.feature);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['factors', i, 'feature'],
            message: `duplicate of factors[${first}] ('${factor.feature}')`,
          });
        } else seenFeatures.set(factor.feature, i);
      });
      const seenIds = new Map<string, number>();
      card.floors.forEach((floor, i) => {
        const first = seenIds.get(floor.id);
        if (first !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['floors', i, 'id'],
            message: `duplicate of floors[${first}] ('${floor.id}')`,
          });
        else seenIds.set(floor.id, i);
      });
      const fines = card.departmentFines;
      if (fines) {
        const seenDepartments = new Map<string, number>();
        fines.departments.forEach((d, i) => {
          const first = seenDepartments.get(d.departmentCode);
          if (first !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['departmentFines', 'departments', i, 'departmentCode'],
              message: `duplicate of departmentFines.departments[${first}] ('${d.departmentCode}')`,
            });
          else seenDepartments.set(d.departmentCode, i);
          if (d.penalties < fines.minPenalties)
            ctx.addIssue({
              code: 'custom',
              path: ['departmentFines', 'departments', i, 'penalties'],
              message: `fewer than minPenalties (${fines.minPenalties}): such a department uses the overall median`,
            });
        });
      }
      const seenPrefixes = new Map<string, number>();
      card.industryRisk.forEach((rule, i) => {
        const first = seenPrefixes.get(rule.prefix);
        if (first !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['industryRisk', i, 'prefix'],
            message: `duplicate of industryRisk[${first}] ('${rule.prefix}')`,
          });
        else seenPrefixes.set(rule.prefix, i);
      });
    });
}

export type Scorecard = z.output<ReturnType<typeof createScorecardSchema>>;
export type ScorecardFactor = Scorecard['factors'][number];
export type ScorecardFloor = Scorecard['floors'][number];
export type ScorecardCalibration = NonNullable<Scorecard['calibration']>;

// Validates parsed JSON; the error names every bad field, e.g. "factors[3].feature: unknown feature 'foo'".
export function loadScorecard(json: unknown, knownFeatures: readonly string[] = FEATURE_NAMES): Scorecard {
  const result = createScorecardSchema(knownFeatures).safeParse(json);
  if (result.success) return result.data;
  const lines = formatZodIssues(result.error);
  throw new Error(`Invalid scorecard: ${lines.join('; ')}`);
}
