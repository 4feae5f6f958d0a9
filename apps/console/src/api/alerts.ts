import type { paths } from './schema';

// The answers of the alert routes, as the OpenAPI document types them (the API's zod response
// schemas, apps/api/src/alerts/dto/alert.dto.ts).
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type GetOk<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } }
  ? Json<R>
  : never;

export type AlertListPage = GetOk<'/api/v1/alerts'>;
export type AlertItem = AlertListPage['items'][number];
export type AlertDelivery = AlertItem['deliveries'][number];
export type AlertEvents = GetOk<'/api/v1/alerts/{id}/events'>;
export type AlertEvent = AlertEvents['items'][number];
