import type { paths } from './schema';

// The answers of the case routes, as the OpenAPI document types them (the API's zod response
// schemas, apps/api/src/cases/dto/case.dto.ts).
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type GetOk<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } }
  ? Json<R>
  : never;
type PostOk<P extends keyof paths> = paths[P] extends { post: { responses: { 200: infer R } } }
  ? Json<R>
  : never;

export type CaseListPage = GetOk<'/api/v1/cases'>;
export type CaseListItem = CaseListPage['items'][number];
export type CaseDetail = GetOk<'/api/v1/cases/{id}'>;
export type CaseTask = CaseDetail['tasks'][number];
export type CaseTransition = CaseDetail['transitions'][number];
export type CaseAlert = CaseDetail['alerts'][number];
export type BulkAnswer = PostOk<'/api/v1/cases/bulk/dispatch'>;
export type BulkItem = BulkAnswer['items'][number];
export type TaskAnswer = PostOk<'/api/v1/cases/{id}/tasks/{department}/accept'>;
