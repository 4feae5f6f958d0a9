import { z } from 'zod';
import { DOMAINS } from '@lianjian/domain';

// What the inspector routes answer (views in inspectors.service.ts), for the OpenAPI document and so
// the console's typed client.
const when = z.string().describe('ISO 8601 instant');

export const inspectorResponse = z.object({
  id: z.string(),
  departmentCode: z.string(),
  name: z.string(),
  certificateNo: z.string().describe('执法证号'),
  domains: z.array(z.enum(DOMAINS)),
  regionCode: z.string(),
  active: z.boolean(),
  phone: z.string().nullable().describe('masked (138****5678) unless the role holds personal-data:read'),
  userId: z.string().nullable().describe('the account the inspector signs in with'),
  conflicts: z.number().int().describe('declared conflicts of interest (利害关系)'),
  createdAt: when,
  createdBy: z.string(),
  updatedAt: when,
});

export const inspectorListResponse = z.object({
  items: z.array(inspectorResponse),
  nextCursor: z.string().nullable(),
});

export const inspectorImportResponse = z.object({
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int().describe('rows whose certificate number was in the directory already'),
});

export const conflictResponse = z.object({
  id: z.string(),
  inspectorId: z.string(),
  entity: z.object({
    id: z.string(),
    key: z.string().describe('USCC or scheme:id'),
    name: z.string().nullable(),
    regionCode: z.string().nullable(),
  }),
  reason: z.string().describe('free text: identifiers of people in it masked without personal-data:read'),
  declaredAt: when,
  declaredBy: z.string(),
});

export const conflictListResponse = z.object({ items: z.array(conflictResponse) });
