import { api, ok } from '../api/client';
import type { EntityDetail, ScoreHistory } from '../api/types';
import { memo, prefetcher } from '../lib/prefetch';
import { modelScale } from '../lib/score-explain';

// The profile's (主体画像) two calls, small enough for the risk list's chunk: the list starts them on
// the click that opens a profile (prefetch), the profile takes them (or asks itself when opened from
// a link or the address bar). Only a click starts them, never a hover, so the audit's "read the
// profile" entry stays one per profile opened.
export interface ProfileData {
  detail: EntityDetail;
  history: ScoreHistory;
}

export const profileData = prefetcher<ProfileData>(async (key) => {
  const path = { key };
  const [detail, history] = await Promise.all([
    ok<EntityDetail>(api.GET('/api/v1/entities/{key}', { params: { path } })),
    ok<ScoreHistory>(api.GET('/api/v1/entities/{key}/scores', { params: { path, query: { limit: 100 } } })),
  ]);
  return { detail, history };
});

export type Scale = NonNullable<ReturnType<typeof modelScale>>;

// A scoring model's class thresholds and range (scoring:read), the same for every entity it scored:
// asked once per version, so a second profile draws its bands with its first render.
export const modelScales = memo<Scale | null>(async (version) => {
  const r = await api.GET('/api/v1/scoring-models/{version}', { params: { path: { version } } });
  if (!r.response.ok) return null;
  return modelScale((r.data as { definition?: unknown } | undefined)?.definition) ?? null;
});

// The profile's chunks, fetched while the risk list is idle so the first profile opened does not
// wait for its JavaScript (ECharts included).
export function preloadProfile(): void {
  void import('./Profile').catch(() => undefined);
  void import('./profile-charts').catch(() => undefined);
}
