import type { paths } from '../../api/schema';

// The audit and administration routes' answers as the OpenAPI document types them
// (apps/api/src/audit/dto/audit-responses.ts, auth/dto/account-responses.ts,
// departments/dto/department-webhook-responses.ts).
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type GetOk<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } }
  ? Json<R>
  : never;

export type AuditPage = GetOk<'/api/v1/audit'>;
export type AuditEntry = AuditPage['items'][number];
export type AuditVerification = GetOk<'/api/v1/audit/verify'>;
export type UserList = GetOk<'/api/v1/users'>;
export type User = UserList['items'][number];
export type Account = Json<paths['/api/v1/users']['post']['responses'][201]>;
export type AdminRequest = Json<paths['/api/v1/users']['post']['responses'][202]>;
export type AdminRequestList = GetOk<'/api/v1/admin-requests'>;
export type AdminRequestRecord = AdminRequestList['items'][number];
export type ApiKeyList = GetOk<'/api/v1/api-keys'>;
export type ApiKey = ApiKeyList['items'][number];
export type ApiKeyCreated = Json<paths['/api/v1/api-keys']['post']['responses'][201]>;
export type Webhook = GetOk<'/api/v1/departments/{code}/webhook'>;
export type WebhookRotated = Json<
  paths['/api/v1/departments/{code}/webhook/secret/rotate']['post']['responses'][201]
>;
export type SourceList = GetOk<'/api/v1/sources'>;

// POST /api/v1/users/{id}/totp/enrolment-code (untyped in the OpenAPI document): the one-time
// enrolment code (一次性绑定码), in this answer only.
export interface EnrolmentCodeIssued {
  userId: string;
  username: string;
  code: string;
  expiresAt: string;
}

// GET /api/v1/departments (untyped in the OpenAPI document).
export interface Department {
  code: string;
  name: string;
  nameEn?: string | null;
  regionCode?: string | null;
}
