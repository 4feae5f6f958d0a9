import type { paths } from './schema';

// The answers of the routes the screens read, as the OpenAPI document types them (schema.d.ts is
// generated from the API's zod response schemas by `npm run build`).
type OkOf<P extends keyof paths> = paths[P] extends {
  get: { responses: { 200: { content: { 'application/json': infer T } } } };
}
  ? T
  : never;

export type RiskListPage = OkOf<'/api/v1/risk-list'>;
export type RiskListItem = RiskListPage['items'][number];
export type EntityDetail = OkOf<'/api/v1/entities/{key}'>;
export type ScoreHistory = OkOf<'/api/v1/entities/{key}/scores'>;
export type ScoreItem = ScoreHistory['items'][number];
export type ScoreComparison = OkOf<'/api/v1/entities/{key}/scores/compare'>;
export type ProfileRecord = EntityDetail['records'][number];
export type RelatedParties = OkOf<'/api/v1/entities/{key}/related'>;
export type RelatedParty = RelatedParties['items'][number];
export type Regions = OkOf<'/api/v1/reference/regions'>;
export type Industries = OkOf<'/api/v1/reference/industries'>;
export type SourceList = OkOf<'/api/v1/sources'>;
export type SourceItem = SourceList['items'][number];
export type BatchList = OkOf<'/api/v1/batches'>;
export type BatchSummary = BatchList['items'][number];
export type BatchReport = OkOf<'/api/v1/batches/{batchId}'>;
export type RejectionsPage = OkOf<'/api/v1/batches/{batchId}/rejections'>;
export type Rejection = RejectionsPage['items'][number];
export type Dashboard = OkOf<'/api/v1/dashboard'>;
