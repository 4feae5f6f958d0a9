import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { formatZodIssues } from '@lianjian/common';
import { RISK_STRATA, type RiskStratum } from './strata';

// 分级分类抽查比例 (国市监信发〔2022〕6号): how much more often each credit-risk class is drawn.
// A policy is a data file (config/inspection/policies/<name>.json): every class's sampling ratio,
// the range local practice allows for it (the plan warns when capacity pushes a class below its
// minimum), and the control stratum's share of the budget.

export interface ClassRatio {
  ratio: number; // the sampling ratio planned for the class
  min: number;
  max: number;
}

export interface SamplingPolicy {
  name: string;
  version: number;
  title: { zh: string; en: string };
  source?: { zh: string; en: string };
  classes: Record<RiskStratum, ClassRatio>;
  controlShare: number;
}

const unit = (what: string) =>
  z
    .number({ error: `${what} must be a number between 0 and 1 (比例须在0到1之间)` })
    .min(0, `${what} must be between 0 and 1 (比例须在0到1之间)`)
    .max(1, `${what} must be between 0 and 1 (比例须在0到1之间)`);

const text = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });

const classRatio = (c: string) =>
  z
    .strictObject(
      { ratio: unit(`class ${c} ratio`), min: unit(`class ${c} min`), max: unit(`class ${c} max`) },
      {
        error: (iss) =>
          iss.input === undefined
            ? `class ${c} is missing: a policy gives a ratio for every class A, B, C and D (策略缺少${c}类)`
            : `class ${c} must be an object { ratio, min, max }`,
      },
    )
    .refine((r) => r.min <= r.max, { message: `class ${c}: min above max (最低比例高于最高比例)` })
    .refine((r) => r.ratio >= r.min && r.ratio <= r.max, {
      message: `class ${c}: ratio outside its own range [min, max] (抽查比例超出本类范围)`,
    });

const policySchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'name: lower-case letters, digits and dashes'),
  version: z.number().int().min(1),
  title: text,
  source: text.optional(),
  classes: z.strictObject(Object.fromEntries(RISK_STRATA.map((c) => [c, classRatio(c)])), {
    error: 'classes must be an object with A, B, C and D (须列出A、B、C、D四类)',
  }),
  controlShare: unit('controlShare').max(0.5, 'controlShare at most 0.5 (对照组占比不超过一半)'),
});

export class PolicyError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid sampling policy (抽查比例策略无效):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function validatePolicy(json: unknown): SamplingPolicy {
  const res = policySchema.safeParse(json);
  if (!res.success) throw new PolicyError(formatZodIssues(res.error));
  return res.data as SamplingPolicy;
}

// Every policy file of a directory, by name; a bad file stops the start with its problems.
export function loadPolicies(configDir: string): Map<string, SamplingPolicy> {
  const dir = join(configDir, 'inspection', 'policies');
  const out = new Map<string, SamplingPolicy>();
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    } catch (e) {
      throw new Error(`cannot read ${join(dir, f)}: ${(e as Error).message}`, { cause: e });
    }
    let p: SamplingPolicy;
    try {
      p = validatePolicy(json);
    } catch (e) {
      throw new Error(`${join(dir, f)}: ${(e as Error).message}`, { cause: e });
    }
    if (`${p.name}.json` !== f)
      throw new Error(`${join(dir, f)}: name "${p.name}" does not match the file name`);
    out.set(p.name, p);
  }
  if (!out.has('default')) throw new Error(`${dir}: no default policy (default.json)`);
  return out;
}
