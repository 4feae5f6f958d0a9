import type { paths } from '../../api/schema';

// The scoring routes' answers as the OpenAPI document types them
// (apps/api/src/score-runs/dto/score-run-responses.ts, apps/api/src/scoring-models/dto/scoring-model-responses.ts).
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type GetOk<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } }
  ? Json<R>
  : never;

export type ScoreRunList = GetOk<'/api/v1/score-runs'>;
export type ScoreRun = GetOk<'/api/v1/score-runs/{id}'>;
export type RunSummary = NonNullable<ScoreRun['summary']>;
export type Mover = RunSummary['topMovers'][number];
export type ScoreRunStarted = Json<paths['/api/v1/score-runs']['post']['responses'][202]>;
export type ModelList = GetOk<'/api/v1/scoring-models'>;
export type ModelSummary = ModelList['items'][number];
export type ModelDetail = GetOk<'/api/v1/scoring-models/{version}'>;
export type Activation = ModelDetail['activations'][number];
export type ClassFlows = GetOk<'/api/v1/score-runs/{id}/class-flows'>;
export type ClassFlowMover = ClassFlows['movers'][number];
