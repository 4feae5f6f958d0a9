import { Injectable } from '@nestjs/common';
import { InvalidInputError } from '@lianjian/common';
import { ScoreRepository, type RiskListRow } from '@lianjian/database';
import { ScoringModels, scoreProbability } from '@lianjian/scoring';
import { industryName, regionName, regionPrefix } from '@lianjian/reference';
import type { Principal } from '@lianjian/access';
import { regionScope } from '../auth/scope';
import type { RiskListExportQuery, RiskListQuery } from './dto/risk-list.dto';

// Risk list (风险名单): entities by score, highest first — by the continuous order key rankScore (the
// raw score not capped at 100, or the floor-lifted score), so entities all shown at 100 still come in
// the order of their points — paged by a (rankScore, entity id) cursor.
@Injectable()
export class RiskListService {
  constructor(
    private readonly scores: ScoreRepository,
    private readonly models: ScoringModels,
  ) {}

  async list(caller: Principal, q: RiskListQuery) {
    const rows = await this.scores.riskList({
      ...this.filterOf(caller, q),
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: await Promise.all(page.map((r) => this.itemOf(r))),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.rankScore, last.entityId) : null,
    };
  }

  // The rows of the Excel export: the list's filter, highest score first, in pages of EXPORT_PAGE,
  // up to maxRows. `more()` tells, once the pages are read, whether the limit left rows out.
  exportPages(caller: Principal, q: RiskListExportQuery, maxRows: number) {
    const filter = this.filterOf(caller, q);
    let more = false;
    const scores = this.scores;
    const itemOf = (r: RiskListRow) => this.itemOf(r);
    async function* pages() {
      let after: { rank: number; entityId: string } | undefined;
      let left = maxRows;
      while (left > 0) {
        const want = Math.min(EXPORT_PAGE, left);
        const rows = await scores.riskList({ ...filter, after, limit: want + 1 });
        const page = rows.slice(0, want);
        yield await Promise.all(page.map(itemOf));
        left -= page.length;
        const last = page[page.length - 1];
        if (rows.length <= want || !last) return;
        if (left === 0) more = true;
        after = { rank: last.rankScore, entityId: last.entityId };
      }
    }
    return { pages: pages(), more: () => more };
  }

  // 330000 names the province (prefix 33), 330100 the city; fewer digits are a prefix already. The
  // list never reaches outside the caller's jurisdiction (辖区): no region means all of it.
  private filterOf(caller: Principal, q: Pick<RiskListQuery, 'region' | 'industry' | 'class' | 'minScore'>) {
    const region = regionScope(
      caller,
      q.region ? (q.region.length === 6 ? regionPrefix(q.region) : q.region) : undefined,
    );
    return {
      regionPrefix: region || undefined,
      industryPrefix: q.industry,
      classes: q.class,
      minScore: q.minScore,
    };
  }

  private async itemOf(r: RiskListRow) {
    const model = await this.models.byVersion(r.modelVersion).catch(() => undefined);
    return {
      entity: {
        id: r.entityId,
        key: r.uscc ?? `${r.scheme}:${r.externalId}`,
        uscc: r.uscc,
        scheme: r.scheme,
        externalId: r.externalId,
        name: r.name,
        regionCode: r.regionCode,
        regionName: r.regionCode ? (regionName(r.regionCode) ?? null) : null,
        industryCode: r.industryCode,
        industryName: r.industryCode ? (industryName(r.industryCode) ?? null) : null,
      },
      score: r.score,
      rankScore: r.rankScore,
      probability: model && r.rawScore !== null ? scoreProbability(model, r.rawScore) : null,
      riskClass: r.riskClass,
      modelVersion: r.modelVersion,
      topFactors: await this.models.describe(r.modelVersion, r.topFactors, false),
      scoredAt: r.scoredAt,
    };
  }
}

// Rows read from the database at a time by an export.
const EXPORT_PAGE = 1000;

// The cursor is the last row's order key (rankScore) and entity id, opaque to clients.
function encodeCursor(rank: number, entityId: string): string {
  return Buffer.from(`${rank}:${entityId}`).toString('base64url');
}

function decodeCursor(cursor: string): { rank: number; entityId: string } {
  const [rank, entityId] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (!rank?.trim() || !Number.isFinite(Number(rank)) || !/^\d+$/.test(entityId ?? ''))
    throw new InvalidInputError('invalid cursor', ['cursor: use the nextCursor of a previous page']);
  return { rank: Number(rank), entityId };
}
