import type { paths } from '../../api/schema';

// The rules routes' answers as the OpenAPI document types them (apps/api/src/rules/dto/rule-responses.ts).
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type GetOk<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } }
  ? Json<R>
  : never;

export type RuleList = GetOk<'/api/v1/rules'>;
export type RuleSummary = RuleList['items'][number];
export type RuleDetail = GetOk<'/api/v1/rules/{id}'>;
export type RuleVersion = RuleDetail['versions'][number];
export type RuleFields = GetOk<'/api/v1/rules/fields'>;
export type Backtest = GetOk<'/api/v1/rules/{id}/versions/{version}/backtests/{backtestId}'>;
export type BacktestResult = NonNullable<Backtest['result']>;
export type BacktestStarted = Json<
  paths['/api/v1/rules/{id}/versions/{version}/backtest']['post']['responses'][202]
>;

// GET /api/v1/departments (names for the backtest's department codes).
export interface Department {
  code: string;
  name: string;
  nameEn?: string | null;
}
