import type { paths } from './schema';

// The answers of the credit repair routes, as the OpenAPI document types them (the API's zod
// response schemas, apps/api/src/credit-repair/dto/credit-repair-responses.ts).
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type GetOk<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } }
  ? Json<R>
  : never;

export type RepairPage = GetOk<'/api/v1/credit-repairs'>;
export type Repair = GetOk<'/api/v1/credit-repairs/{id}'>;

// An alert as the profile lists it. GET /api/v1/alerts has no response schema in the OpenAPI
// document yet (the alerts screen, another part of issue 14, adds it): the profile reads these few
// fields of what alertItem (libs/database alert.repository.ts) answers.
export interface EntityAlert {
  id: string;
  ruleId: string;
  severity: string;
  status: string;
  title: { zh?: string; en?: string } | string;
  createdAt: string;
}
export interface EntityAlertPage {
  items: EntityAlert[];
  nextCursor: string | null;
}
