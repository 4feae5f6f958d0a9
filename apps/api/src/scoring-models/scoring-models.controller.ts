import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '@lianjian/common';
import { ScoringModelRepository } from '@lianjian/database';
import { Allow, Caller } from '../auth/access.decorator';
import { actorName, type Principal } from '@lianjian/access';

const activateBody = z.strictObject({
  by: z.string().trim().max(100).optional(), // ignored: the signed-in caller activates
  reason: z.string().trim().min(1, 'say why (e.g. the backtest it passed)').max(2000),
});

// Scoring models (评分模型): every scorecard of config/scoring by version, the active one, and how it
// became active. Scores always name the model that made them.
@ApiTags('scoring')
@Controller('api/v1/scoring-models')
export class ScoringModelsController {
  constructor(private readonly models: ScoringModelRepository) {}

  @Get()
  @Allow('scoring:read')
  @ApiOperation({ summary: 'Scoring models by version, which one is active, and its last activation' })
  async list() {
    const rows = await this.models.list();
    return {
      items: rows.map((m) => ({
        version: m.version,
        name: (m.definition as { name?: unknown }).name ?? null,
        source: m.source,
        active: m.active,
        createdAt: m.createdAt,
        lastActivation: m.lastActivation,
      })),
    };
  }

  @Get(':version')
  @Allow('scoring:read')
  @ApiOperation({ summary: 'One model with its full definition (factors, points, caps, floors, thresholds)' })
  async get(@Param('version') version: string) {
    const m = await this.models.get(version);
    if (!m) throw new NotFoundError(`no scoring model ${version}`);
    return {
      version: m.version,
      source: m.source,
      active: m.active,
      createdAt: m.createdAt,
      definition: m.definition,
    };
  }

  @Post(':version/activate')
  @Allow('scoring:manage')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Activate a model (启用评分模型): from the next scoring job on, new scores use it',
    description:
      'Runs already started finish with their own model. Every activation is recorded with who and why.',
  })
  @ApiBody({ schema: { example: { reason: 'backtest AUC 0.74 vs 0.73 on 2024' } } })
  async activate(@Param('version') version: string, @Body() body: unknown, @Caller() caller: Principal) {
    const parsed = activateBody.safeParse(body ?? {});
    if (!parsed.success)
      throw new InvalidInputError(
        'invalid activation',
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`),
      );
    const res = await this.models.activate(version, actorName(caller), parsed.data.reason);
    if (!res) throw new NotFoundError(`no scoring model ${version}`);
    return { version: res.version, active: true, previousVersion: res.previousVersion, changed: res.changed };
  }
}
