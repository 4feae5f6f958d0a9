import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { formatZodIssues } from '@lianjian/common';
import { DOMAINS, SEVERITIES, type Domain, type Severity } from '@lianjian/domain';
import type { LocalizedText } from '@lianjian/reference';

// Case types (案件类型) and their time limits, from config/cases/case-types.json: how many days a
// coordinator has to dispatch a case of the type, how many days each department has to report its
// result, how long after that a late task is escalated, which alert findings make a case of the type
// and which alert severities open one automatically. Days are calendar days (自然日).

export const CASE_TYPE_ID = /^[a-z][a-z0-9_]{0,63}$/;
const FINDING = /^[a-z][a-z0-9_]*$/;

export interface CaseTypeDefinition {
  id: string;
  label: LocalizedText;
  description?: LocalizedText;
  // Finding types of alerts this type is for. The fallback type takes every other finding.
  findings: string[];
  fallback: boolean;
  dispatchDays: number; // from opening (or reopening) to dispatch
  feedbackDays: number; // from dispatch to each department's report
  escalateAfterDays: number; // a task this long past its due date is escalated (after its reminder)
  autoOpen: {
    severities: Severity[]; // alerts of these severities open a case of this type by themselves
    leadDomain?: Domain; // the lead department is the first routed one covering this domain
  };
}

export interface CaseTypesConfig {
  description?: LocalizedText;
  types: CaseTypeDefinition[];
}

const quoted = (v: unknown) => JSON.stringify(v) ?? String(v);
const text = z.strictObject({
  zh: z.string().trim().min(1, 'zh text is required'),
  en: z.string().trim().min(1, 'en text is required'),
});
const days = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number of days` })
    .int(`${what} must be a whole number of days`)
    .min(min, `${what} must be at least ${min}`)
    .max(max, `${what} must be at most ${max}`);

const caseTypeSchema = z.strictObject({
  id: z.string().regex(CASE_TYPE_ID, 'case type id must be snake_case ([a-z][a-z0-9_]*)'),
  label: text,
  description: text.optional(),
  findings: z.array(z.string().regex(FINDING, 'finding types are snake_case ([a-z][a-z0-9_]*)')).default([]),
  fallback: z.boolean().default(false),
  dispatchDays: days('dispatchDays', 0, 90),
  feedbackDays: days('feedbackDays', 1, 365),
  escalateAfterDays: days('escalateAfterDays', 0, 90),
  autoOpen: z
    .strictObject({
      severities: z
        .array(
          z.enum(SEVERITIES, {
            error: (iss) =>
              `unknown severity ${quoted(iss.input)} (expected one of ${SEVERITIES.join(', ')})`,
          }),
        )
        .default([]),
      leadDomain: z
        .enum(DOMAINS, {
          error: (iss) => `unknown domain ${quoted(iss.input)} (expected one of ${DOMAINS.join(', ')})`,
        })
        .optional(),
    })
    .default({ severities: [] }),
});

const configSchema = z.strictObject({
  description: text.optional(),
  types: z.array(caseTypeSchema).min(1, 'defines no case type'),
});

export type CaseTypesValidation = { ok: true; config: CaseTypesConfig } | { ok: false; errors: string[] };

// Every problem at once, each with its path (types[2].feedbackDays: …), and the checks a schema cannot
// express: unique ids, one fallback type, a finding claimed by one type only.
export function validateCaseTypes(json: unknown): CaseTypesValidation {
  const res = configSchema.safeParse(json);
  if (!res.success) return { ok: false, errors: formatZodIssues(res.error) };
  const errors: string[] = [];
  const types = res.data.types;
  const seen = new Map<string, number>();
  const claimed = new Map<string, string>();
  types.forEach((t, i) => {
    if (seen.has(t.id))
      errors.push(`types[${i}].id: '${t.id}' is defined twice (also types[${seen.get(t.id)}])`);
    seen.set(t.id, i);
    t.findings.forEach((f, j) => {
      const other = claimed.get(f);
      if (other && other !== t.id)
        errors.push(`types[${i}].findings[${j}]: '${f}' already makes a case of type '${other}'`);
      claimed.set(f, t.id);
    });
  });
  const fallbacks = types.filter((t) => t.fallback).map((t) => t.id);
  if (fallbacks.length !== 1)
    errors.push(
      fallbacks.length
        ? `types: exactly one type may be the fallback (fallback: true), found ${fallbacks.join(', ')}`
        : 'types: one type must be the fallback (fallback: true) for findings no type lists',
    );
  if (errors.length) return { ok: false, errors };
  return { ok: true, config: res.data as CaseTypesConfig };
}

export function parseCaseTypes(json: unknown, source = 'case types'): CaseTypesConfig {
  const v = validateCaseTypes(json);
  if (!v.ok) throw new Error(`invalid ${source}:\n${v.errors.map((e) => `  - ${e}`).join('\n')}`);
  return v.config;
}

export const CASE_TYPES_FILE = join('cases', 'case-types.json');

export function loadCaseTypes(configDir: string): CaseTypesConfig {
  const file = join(configDir, CASE_TYPES_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  return parseCaseTypes(json, file);
}

export function caseType(config: CaseTypesConfig, id: string): CaseTypeDefinition | undefined {
  return config.types.find((t) => t.id === id);
}

// The type of a case opened from alerts of these findings: the first type that lists one of them
// (in the alerts' order), else the fallback type.
export function caseTypeForFindings(
  config: CaseTypesConfig,
  findings: readonly string[],
): CaseTypeDefinition {
  for (const f of findings) {
    const t = config.types.find((x) => x.findings.includes(f));
    if (t) return t;
  }
  return config.types.find((t) => t.fallback) ?? config.types[0];
}

// The type of the case an alert opens by itself, or undefined when its severity opens none.
export function autoOpenCaseType(
  config: CaseTypesConfig,
  alert: { findingType: string; severity: string },
): CaseTypeDefinition | undefined {
  const t = caseTypeForFindings(config, [alert.findingType]);
  return (t.autoOpen.severities as readonly string[]).includes(alert.severity) ? t : undefined;
}

const DAY_MS = 86_400_000;
export const addDays = (from: Date, n: number): Date => new Date(from.getTime() + n * DAY_MS);

export const dispatchDueAt = (type: CaseTypeDefinition, openedAt: Date): Date =>
  addDays(openedAt, type.dispatchDays);
export const feedbackDueAt = (type: CaseTypeDefinition, dispatchedAt: Date): Date =>
  addDays(dispatchedAt, type.feedbackDays);

// Whole days past a due date (0 on the due day itself).
export function daysOverdue(dueAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - dueAt.getTime()) / DAY_MS));
}

// The lead department (牵头部门) of a case nobody chose one for: among the departments the alerts
// were routed to (in routing order: county before city, then by code), the first that covers one of
// the preferred domains (the type's leadDomain, else the entity's industry domains), else the first.
export function pickLeadDepartment(
  routed: readonly { code: string; domains: readonly string[] }[],
  preferredDomains: readonly string[],
): string | undefined {
  for (const domain of preferredDomains) {
    const d = routed.find((r) => r.domains.includes(domain));
    if (d) return d.code;
  }
  return routed[0]?.code;
}

// A case's title when nobody gave one: its type and the entity's name (else its USCC or external id).
export function defaultCaseTitle(
  type: Pick<CaseTypeDefinition, 'label'>,
  entity: { name: string | null; uscc: string | null; externalId: string | null },
): string {
  return `${type.label.zh}：${entity.name ?? entity.uscc ?? entity.externalId}`;
}
