import { DOMAINS, SEVERITIES } from '@lianjian/domain';
import { z } from 'zod';
import { FINDING_TYPE_PATTERN, localizedTextSchema } from '../rule-definition.schema';
import { formatZodIssues } from '@lianjian/common';

// The routing matrix (config/routing/*.json) encodes the joint-action memoranda (联合惩戒备忘录):
// which departments act on which finding, at which jurisdiction levels.

export const JURISDICTION_LEVELS = ['county', 'city', 'province'] as const;
export type JurisdictionLevel = (typeof JURISDICTION_LEVELS)[number];

const quoted = (input: unknown): string => JSON.stringify(input) ?? String(input);

const domainSchema = z.enum(DOMAINS, {
  error: (iss) => `unknown domain ${quoted(iss.input)} (expected one of ${DOMAINS.join(', ')})`,
});
const levelSchema = z.enum(JURISDICTION_LEVELS, {
  error: (iss) => `bad level ${quoted(iss.input)} (expected one of ${JURISDICTION_LEVELS.join(', ')})`,
});
const severitySchema = z.enum(SEVERITIES, {
  error: (iss) => `unknown severity ${quoted(iss.input)} (expected one of ${SEVERITIES.join(', ')})`,
});

function unique<T extends z.ZodType>(item: T, what: string) {
  return z.array(item).superRefine((list, ctx) => {
    const seen = new Set<unknown>();
    list.forEach((v, i) => {
      if (seen.has(v))
        ctx.addIssue({ code: 'custom', path: [i], message: `${what} ${quoted(v)} listed twice` });
      seen.add(v);
    });
  });
}

const domainsSchema = unique(domainSchema, 'domain');
const levelsSchema = unique(levelSchema, 'level').min(1, 'lists no jurisdiction level');

// GB/T 4754-2017: a section letter, then division (2), group (3) or class (4) digits.
export const INDUSTRY_PREFIX_PATTERN = /^[A-T](\d{2,4})?$/;

export const industryDomainsSchema = z.strictObject({
  industry: z
    .string()
    .regex(INDUSTRY_PREFIX_PATTERN, 'industry must be a GB/T 4754 code or prefix such as E, H62, F5251'),
  domains: domainsSchema.min(1, 'lists no domain'),
  // Levels where this industry's own regulators also sit (e.g. drug manufacturing: the provincial
  // medical products administration): departments at these levels receive findings through the
  // industry's domains even when the finding row does not list the level.
  extraLevels: levelsSchema.optional(),
});

export const actingDomainsSchema = z
  .strictObject({
    industry: z.boolean().default(false), // the domains covering the entity's industry act
    fixed: domainsSchema.default([]), // these domains act whatever the industry
  })
  .refine(
    (a) => a.industry || a.fixed.length > 0,
    'acting domains are empty: set industry or list fixed domains',
  );

export const escalationSchema = z.strictObject({
  minSeverity: severitySchema,
  addLevels: levelsSchema,
});

export const domainMemorandumSchema = z.strictObject({
  domains: domainsSchema.min(1, 'lists no domain'),
  memorandum: localizedTextSchema,
});

export const findingRouteSchema = z.strictObject({
  finding: z.string().regex(FINDING_TYPE_PATTERN, 'finding type must be snake_case ([a-z][a-z0-9_]*)'),
  actingDomains: actingDomainsSchema,
  levels: levelsSchema,
  escalation: z.array(escalationSchema).optional(), // more levels for more severe findings
  memorandum: localizedTextSchema, // the joint-action memorandum this row comes from
  // Domain-specific memoranda: a department acting through these domains cites them instead.
  domainMemoranda: z.array(domainMemorandumSchema).optional(),
  note: localizedTextSchema.optional(),
});

export const routingDefaultsSchema = z.strictObject({
  levels: levelsSchema,
  actingDomains: actingDomainsSchema.default({ industry: true, fixed: ['market_regulation'] }),
  escalation: z.array(escalationSchema).optional(),
  memorandum: localizedTextSchema.optional(),
});

export const routingMatrixSchema = z
  .strictObject({
    version: z.number().int('version must be an integer').min(1, 'version must be ≥ 1'),
    description: localizedTextSchema.optional(),
    industryDomains: z.array(industryDomainsSchema),
    findings: z.array(findingRouteSchema),
    defaults: routingDefaultsSchema,
  })
  .superRefine((m, ctx) => {
    const industries = new Map<string, number>();
    m.industryDomains.forEach((row, i) => {
      const first = industries.get(row.industry);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['industryDomains', i, 'industry'],
          message: `industry '${row.industry}' already mapped in industryDomains[${first}]`,
        });
      else industries.set(row.industry, i);
    });
    const findings = new Map<string, number>();
    m.findings.forEach((row, i) => {
      const first = findings.get(row.finding);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['findings', i, 'finding'],
          message: `finding '${row.finding}' already routed in findings[${first}]`,
        });
      else findings.set(row.finding, i);
    });
  });

export type RoutingMatrix = z.output<typeof routingMatrixSchema>;
export type FindingRoute = z.output<typeof findingRouteSchema>;
export type IndustryDomains = z.output<typeof industryDomainsSchema>;
export type ActingDomains = z.output<typeof actingDomainsSchema>;

export class RoutingMatrixError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid routing matrix: ${problems.join('; ')}`);
    this.name = 'RoutingMatrixError';
  }
}

// Parses and checks a routing matrix; throws RoutingMatrixError naming each bad path.
export function validateRoutingMatrix(json: unknown): RoutingMatrix {
  const parsed = routingMatrixSchema.safeParse(json);
  if (!parsed.success) throw new RoutingMatrixError(formatZodIssues(parsed.error));
  return parsed.data;
}
