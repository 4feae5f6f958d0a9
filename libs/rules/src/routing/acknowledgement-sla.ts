import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEVERITIES, type Severity } from '@lianjian/domain';
import { z } from 'zod';
import { localizedTextSchema } from '../rule-definition.schema';
import { formatZodIssues } from '@lianjian/common';

// How long a department has to acknowledge (签收) a delivery, by the alert's severity
// (config/routing/acknowledgement-sla.json). Past it, the delivery is overdue and delivery_overdue
// rules decide who hears about it.
export interface AcknowledgementSla {
  hoursBySeverity: Record<Severity, number>;
}

const hours = z
  .number()
  .positive('must be a positive number of hours')
  .max(24 * 90, 'at most 90 days');
const slaSchema = z.strictObject({
  description: localizedTextSchema.optional(),
  hoursBySeverity: z.strictObject(
    Object.fromEntries(SEVERITIES.map((s) => [s, hours])) as Record<Severity, typeof hours>,
  ),
});

export function validateAcknowledgementSla(json: unknown): AcknowledgementSla {
  const res = slaSchema.safeParse(json);
  if (!res.success)
    throw new Error(
      `invalid acknowledgement SLA:\n${formatZodIssues(res.error)
        .map((l) => `  - ${l}`)
        .join('\n')}`,
    );
  return { hoursBySeverity: res.data.hoursBySeverity };
}

export function loadAcknowledgementSla(configDir: string): AcknowledgementSla {
  const file = join(configDir, 'routing', 'acknowledgement-sla.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  return validateAcknowledgementSla(json);
}
