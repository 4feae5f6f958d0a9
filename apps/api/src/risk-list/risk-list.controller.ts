import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ScoreRepository } from '@lianjian/database';
import { ScoringModels } from '@lianjian/scoring';
import { InvalidInputError } from '@lianjian/common';
import { regionPrefix } from '@lianjian/reference';
import { parseParams } from '../common/query';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { regionScope } from '../auth/scope';

const classes = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim().toUpperCase()),
  )
  .refine((a) => a.every((c) => ['A', 'B', 'C', 'D'].includes(c)), 'class must be A, B, C or D');

const riskListQuery = z.strictObject({
  region: z
    .string()
    .regex(/^\d{2,6}$/, 'region must be 2-6 digits of a GB/T 2260 code')
    .optional(),
  industry: z
    .string()
    .regex(/^[A-T]\d{0,4}$/, 'industry must be a GB/T 4754 code or prefix, e.g. H62')
    .optional(),
  class: classes.optional(),
  minScore: z.coerce.number().min(0).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

function decodeCursor(cursor: string): { score: number; entityId: string } {
  const [score, entityId] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (!Number.isFinite(Number(score)) || !/^\d+$/.test(entityId ?? ''))
    throw new InvalidInputError('invalid cursor', ['cursor: use the nextCursor of a previous page']);
  return { score: Number(score), entityId };
}

@ApiTags('risk list')
@Controller('api/v1/risk-list')
export class RiskListController {
  constructor(
    private readonly scores: ScoreRepository,
    private readonly models: ScoringModels,
  ) {}

  @Get()
  @Allow('risk-list:read')
  @ApiOperation({ summary: 'Risk list (风险名单): entities by score, highest first' })
  @ApiQuery({ name: 'region', required: false, description: 'GB/T 2260 code or prefix (jurisdiction)' })
  @ApiQuery({ name: 'industry', required: false, description: 'GB/T 4754 code prefix' })
  @ApiQuery({ name: 'class', required: false, isArray: true, description: 'A, B, C, D (repeatable)' })
  @ApiQuery({ name: 'minScore', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '≤ 500, default 50' })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@Query() query: unknown, @Caller() caller: Principal) {
    const q = parseParams(riskListQuery, query);
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
            industryCode: r.industryCode,
          },
          score: r.score,
          riskClass: r.riskClass,
          modelVersion: r.modelVersion,
          topFactors: await this.models.describe(r.modelVersion, r.topFactors, false),
          scoredAt: r.scoredAt,
        })),
      ),
      nextCursor:
        rows.length > q.limit && last
          ? Buffer.from(`${last.score}:${last.entityId}`).toString('base64url')
          : null,
    };
  }
}
