import { z } from 'zod';
import { ROLES } from '@lianjian/access';

// What the users and API-key routes answer, for the OpenAPI document (and so the console's typed
// client). No answer carries a password hash; an API key's secret is in its creation's answer only.
const when = z.string().describe('ISO 8601 instant');

export const userResponse = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: z.enum(ROLES),
  departmentCode: z.string().nullable(),
  regionCode: z.string().nullable().describe('null: national (全国)'),
  createdAt: when,
  createdBy: z.string(),
  disabledAt: when.nullable(),
});

export const userListResponse = z.object({
  items: z.array(userResponse.extend({ roleLabel: z.object({ zh: z.string(), en: z.string() }) })),
});

// 202: the request another security administrator confirms (四眼原则).
export const adminRequestResponse = z.object({
  id: z.string(),
  action: z.enum(['user.create', 'user.disable', 'user.enable', 'user.totp-reset']),
  userId: z.string().nullable(),
  account: z.object({
    username: z.string(),
    displayName: z.string().nullable().optional(),
    role: z.enum(ROLES),
    departmentCode: z.string().nullable().optional(),
    regionCode: z.string().nullable(),
  }),
  role: z.enum(ROLES),
  regionCode: z.string().nullable(),
  requestedBy: z.string(),
  requestedAt: when,
  status: z.enum(['pending', 'confirmed', 'withdrawn']),
  message: z.string().optional(),
});

// A request as GET /api/v1/admin-requests lists it and confirm / withdraw answer it: who asked
// (requestedById: the console tells its caller's own requests apart), who decided and when.
export const adminRequestRecord = adminRequestResponse.extend({
  requestedById: z.string(),
  reason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: when.nullable(),
});

export const adminRequestListResponse = z.object({
  items: z.array(adminRequestRecord).describe('newest first, at most 500'),
});

export const apiKeyResponse = z.object({
  id: z.string(),
  name: z.string(),
  keyHint: z.string().describe('the first characters of the key, to recognise it'),
  departmentCode: z.string(),
  sources: z.array(z.string()),
  createdAt: when,
  createdBy: z.string(),
  revokedAt: when.nullable(),
  lastUsedAt: when.nullable(),
});

export const apiKeyListResponse = z.object({ items: z.array(apiKeyResponse) });

export const apiKeyCreatedResponse = apiKeyResponse.extend({
  key: z.string().describe('the key itself: shown in this answer only'),
});
