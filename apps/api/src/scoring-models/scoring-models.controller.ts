import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ApiZodOk } from '../common/openapi';
import { ZodPipe } from '../common/zod.pipe';
import {
  activateResponse,
  modelCardResponse,
  scoringModelListResponse,
  scoringModelResponse,
} from './dto/scoring-model-responses';
import { activateBody, type ActivateBody } from './dto/scoring-model.dto';
import { ScoringModelsService } from './scoring-models.service';

@ApiTags('scoring')
@Controller('api/v1/scoring-models')
export class ScoringModelsController {
  constructor(private readonly models: ScoringModelsService) {}

  @Get()
  @Allow('scoring:read')
  @ApiOperation({ summary: 'Scoring models by version, which one is active, and its last activation' })
  @ApiZodOk(scoringModelListResponse)
  list() {
    return this.models.list();
  }

  @Get(':version')
  @Allow('scoring:read')
  @ApiOperation({
    summary:
      'One model with its full definition (factors, points, caps, floors, thresholds) and its activation history',
  })
  @ApiZodOk(scoringModelResponse)
  get(@Param('version') version: string) {
    return this.models.get(version);
  }

  @Get(':version/card')
  @Allow('scoring:read')
  @ApiOperation({
    summary:
      'The model card (模型说明书) of a version: training window and data, AUC per data set, calibration, class mix, top factors',
  })
  @ApiZodOk(modelCardResponse)
  card(@Param('version') version: string) {
    return this.models.card(version);
  }

  @Post(':version/activate')
  @Allow('scoring:manage')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Activate a model (启用评分模型): from the next scoring job on, new scores use it',
    description:
      'Runs already started finish with their own model. Every activation is recorded with who and why. The answer carries the model card of the version (null when it has none).',
  })
  @ApiZodOk(activateResponse)
  @ApiBody({ schema: { example: { reason: 'backtest AUC 0.74 vs 0.73 on 2024' } } })
  activate(
    @Param('version') version: string,
    @Body(new ZodPipe(activateBody)) body: ActivateBody,
    @Caller() caller: Principal,
  ) {
    return this.models.activate(caller, version, body);
  }
}
