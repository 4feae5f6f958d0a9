import { Injectable } from '@nestjs/common';
import { InvalidInputError } from '@lianjian/common';
import { ScoreRepository } from '@lianjian/database';
import { ScoringModels } from '@lianjian/scoring';
import { industryName, regionName, regionPrefix } from '@lianjian/reference';
import type { Principal } from '@lianjian/access';
import { regionScope } from '../auth/scope';
import type { RiskListQuery } from './dto/risk-list.dto';

// Risk list (风险名单): entities by score, highest first, paged by a (score, entity id) cursor.
@Injectable()
export class RiskListService {
  constructor(
    private readonly scores: ScoreRepository,
    private readonly models: ScoringModels,
  ) {}

  async list(caller: Principal, q: RiskListQuery) {
    // 330000 names the province (prefix 33), 330100 the city; fewer digits are a prefix already. The
    // list never reaches outside the caller's jurisdiction (辖区): no region means all of it.
    const region = regionScope(
      caller,
      q.region ? (q.region.length === 6 ? regionPrefix(q.region) : q.region) : undefined,
    );
    const rows = await this.scores.riskList({
      regionPrefix: region || undefined,
      industryPrefix: q.industry,
      classes: q.class,
      minScore: q.minScore,
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: await Promise.all(
        page.map(async (r) => ({
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
          riskClass: r.riskClass,
          modelVersion: r.modelVersion,
          topFactors: await this.models.describe(r.modelVersion, r.topFactors, false),
          scoredAt: r.scoredAt,
        })),
      ),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.score, last.entityId) : null,
    };
  }
}

// The cursor is the last row's score and entity id, opaque to clients.
function encodeCursor(score: number, entityId: string): string {
  return Buffer.from(`${score}:${entityId}`).toString('base64url');
}

function decodeCursor(cursor: string): { score: number; entityId: string } {
  const [score, entityId] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (!Number.isFinite(Number(score)) || !/^\d+$/.test(entityId ?? ''))
    throw new InvalidInputError('invalid cursor', ['cursor: use the nextCursor of a previous page']);
  return { score: Number(score), entityId };
}
