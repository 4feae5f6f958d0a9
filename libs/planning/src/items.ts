import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DOMAINS, ENTITY_STATUSES, type Domain, type EntityStatus } from '@lianjian/domain';
import { formatZodIssues } from '@lianjian/common';

// 随机抽查事项清单: what may be inspected at random, by whom and on what legal basis — the first of
// 一单两库 (one list, two directories). One file per item (config/inspection/items/<code>.json),
// versioned: a plan records the version of each item it drew for.

export const INSPECTION_METHODS = ['document', 'on_site', 'online', 'sampling'] as const;
export type InspectionMethod = (typeof INSPECTION_METHODS)[number];
export const INSPECTION_METHOD_LABELS: Record<InspectionMethod, { zh: string; en: string }> = {
  document: { zh: '书面检查', en: 'document review' },
  on_site: { zh: '实地核查', en: 'on-site inspection' },
  online: { zh: '网络监测', en: 'online monitoring' },
  sampling: { zh: '抽样检测', en: 'sampling and testing' },
};

export interface InspectionItem {
  code: string;
  version: number;
  name: { zh: string; en: string };
  domain: Domain; // the competent department's domain (监管领域); its inspectors must cover it
  legalBasis: { zh: string; en: string };
  method: InspectionMethod;
  population: {
    industries?: string[]; // GB/T 4754 code prefixes (e.g. "H62" catering); none = every industry
    entityTypes?: string[]; // 企业类型 as registered (e.g. 有限责任公司, 个体工商户); none = every type
    statuses: EntityStatus[]; // default: active only
  };
  baseRatio: number; // the item's own sampling ratio for class B entities (a plan's policy may set others)
  frequencyPerYear: number; // how many random inspections a year the item foresees (抽查频次)
  key: boolean; // 重点事项: on a class D entity, inspected in full whatever the other items
}

const text = z.strictObject({ zh: z.string().trim().min(1), en: z.string().trim().min(1) });
const itemSchema = z.strictObject({
  code: z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/, 'code: 2–40 upper-case letters, digits and dashes (事项编码)'),
  version: z.number().int().min(1),
  name: text,
  domain: z.enum(DOMAINS, { error: `domain must be one of ${DOMAINS.join(', ')} (监管领域)` }),
  legalBasis: text,
  method: z.enum(INSPECTION_METHODS, {
    error: `method must be one of ${INSPECTION_METHODS.join(', ')} (检查方式)`,
  }),
  population: z.strictObject({
    industries: z
      .array(z.string().regex(/^[A-T]\d{0,4}$/, 'a GB/T 4754 code or prefix, e.g. H62'))
      .min(1)
      .optional(),
    entityTypes: z.array(z.string().trim().min(1)).min(1).optional(),
    statuses: z.array(z.enum(ENTITY_STATUSES)).min(1).default(['active']),
  }),
  baseRatio: z.number().min(0, 'baseRatio between 0 and 1').max(1, 'baseRatio between 0 and 1'),
  frequencyPerYear: z.number().positive().max(12),
  key: z.boolean().default(false),
});

export function validateItem(json: unknown, label = 'inspection item'): InspectionItem {
  const res = itemSchema.safeParse(json);
  if (!res.success)
    throw new Error(
      `invalid ${label} (抽查事项无效):\n${formatZodIssues(res.error)
        .map((l) => `  - ${l}`)
        .join('\n')}`,
    );
  return res.data as InspectionItem;
}

export function loadItems(configDir: string): Map<string, InspectionItem> {
  const dir = join(configDir, 'inspection', 'items');
  const out = new Map<string, InspectionItem>();
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const file = join(dir, f);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
    }
    const item = validateItem(json, file);
    if (`${item.code}.json` !== f) throw new Error(`${file}: code ${item.code} does not match the file name`);
    out.set(item.code, item);
  }
  return out;
}

export interface ItemTarget {
  industryCode: string | null;
  entityType: string | null;
  status: EntityStatus | null;
}

// Whether an entity is in an item's target population (检查对象名录库, filtered per item).
export function itemApplies(item: InspectionItem, e: ItemTarget): boolean {
  const p = item.population;
  if (!p.statuses.includes(e.status ?? 'active')) return false;
  if (p.industries && !p.industries.some((pre) => (e.industryCode ?? '').toUpperCase().startsWith(pre)))
    return false;
  if (p.entityTypes && !p.entityTypes.includes(e.entityType ?? '')) return false;
  return true;
}

// The same filter as SQL over `entity e`, for freezing a population in the database: parameters are
// appended to `params` and referenced by number.
export function itemPopulationSql(item: InspectionItem, params: unknown[]): string {
  const p = item.population;
  const parts: string[] = [];
  params.push(p.statuses);
  parts.push(`coalesce(e.status, 'active') = ANY($${params.length}::text[])`);
  if (p.industries) {
    params.push(p.industries.map((x) => `${x}%`));
    parts.push(`upper(coalesce(e.industry_code, '')) LIKE ANY ($${params.length}::text[])`);
  }
  if (p.entityTypes) {
    params.push(p.entityTypes);
    parts.push(`e.entity_type = ANY($${params.length}::text[])`);
  }
  return `(${parts.join(' AND ')})`;
}
