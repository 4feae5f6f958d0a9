import { z } from 'zod';
import { localizedText } from '../../entities/dto/entity.dto';
import { riskClass } from '../../risk-list/dto/risk-list.dto';

// GET /api/v1/dashboard takes no parameters: the caller's jurisdiction and department decide.
export const dashboardQuery = z.strictObject({});

const classCounts = z.strictObject({ A: z.number(), B: z.number(), C: z.number(), D: z.number() });
const severityCounts = z.strictObject({
  critical: z.number(),
  high: z.number(),
  medium: z.number(),
  low: z.number(),
});
const entityRef = z.strictObject({
  id: z.string(),
  key: z.string().describe('USCC, or scheme:id: what /api/v1/entities/{key} takes'),
  name: z.string().nullable(),
  regionCode: z.string().nullable(),
});

export const dashboardResponse = z.strictObject({
  jurisdiction: z.strictObject({
    regionCode: z.string().nullable().describe('null: national (全国)'),
    name: z.string().nullable(),
    level: z.enum(['national', 'province', 'city', 'county']),
  }),
  department: z.string().nullable().describe("an officer's own department (their deliveries and tasks)"),
  generatedAt: z.string().describe('ISO 8601 date-time'),
  classes: z.strictObject({
    current: classCounts.describe('scored entities in the jurisdiction by current class'),
    total: z.number(),
    lastRun: z
      .strictObject({
        id: z.string(),
        modelVersion: z.string(),
        asOf: z.string(),
        finishedAt: z.string().describe('ISO 8601 date-time'),
        change: classCounts.describe(
          'per class: entities the run moved into it minus those it moved out (first scores are not moves)',
        ),
        moved: z.number().describe('entities of the jurisdiction the run moved to another class'),
        transitions: z.array(z.strictObject({ from: riskClass, to: riskClass, count: z.number() })),
      })
      .nullable()
      .describe('the last full scoring run that finished; null before the first'),
  }),
  movers: z
    .array(
      z.strictObject({
        entity: entityRef,
        from: riskClass,
        to: riskClass,
        score: z.number(),
        previousScore: z.number(),
      }),
    )
    .describe("the last run's ten largest score moves among entities it moved to another class"),
  regions: z.strictObject({
    level: z
      .enum(['province', 'city', 'county'])
      .describe("the jurisdiction's children; when all are in one, that one's children"),
    items: z.array(
      z.strictObject({ code: z.string(), name: z.string().nullable(), C: z.number(), D: z.number() }),
    ),
  }),
  alerts: z
    .strictObject({ open: severityCounts, total: z.number() })
    .optional()
    .describe('open alerts in scope by severity (alerts:read)'),
  deliveries: z
    .strictObject({
      total: z.number(),
      items: z.array(
        z.strictObject({
          alertId: z.string(),
          severity: z.string(),
          title: localizedText.nullable(),
          entity: entityRef.omit({ regionCode: true }).nullable(),
          source: z.string().nullable(),
          routedAt: z.string(),
          dueAt: z.string().describe('acknowledge (签收) by: routed + the SLA of the severity'),
        }),
      ),
    })
    .optional()
    .describe("an officer's own department's unacknowledged deliveries, due first first"),
  overdueTasks: z
    .strictObject({
      total: z.number(),
      items: z.array(
        z.strictObject({
          caseId: z.string(),
          title: z.string(),
          caseState: z.string(),
          department: z.string(),
          taskState: z.string(),
          dueAt: z.string(),
        }),
      ),
    })
    .optional()
    .describe('case tasks past their due date (cases:read)'),
  feeds: z
    .strictObject({
      items: z.array(
        z.strictObject({
          source: z.string(),
          department: z.string().nullable(),
          description: localizedText,
          status: z.enum(['stalled', 'empty', 'degraded']),
          message: localizedText,
          lastBatchAt: z.string().nullable(),
        }),
      ),
    })
    .optional()
    .describe('feeds (sources) that are stalled, empty or degraded (sources:read)'),
});
export type DashboardResponse = z.infer<typeof dashboardResponse>;
