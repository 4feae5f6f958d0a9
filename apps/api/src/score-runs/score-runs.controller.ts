import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ApiZodOk, ApiZodQuery, jsonSchemaOf } from '../common/openapi';
import { ZodPipe } from '../common/zod.pipe';
import { scoreRunListResponse, scoreRunResponse, scoreRunStartedResponse } from './dto/score-run-responses';
import { Expensive } from '../rate-limit/rate-limit';
import { runsQuery, type RunsQuery } from './dto/score-run.dto';
import { ScoreRunsService } from './score-runs.service';

@ApiTags('scoring')
@Controller('api/v1/score-runs')
export class ScoreRunsController {
  constructor(private readonly runs: ScoreRunsService) {}

  @Post()
  @Expensive()
  @Allow('scoring:manage')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a full scoring run now (手动全量评分); poll GET /score-runs/{runId} for progress',
    description:
      'One full run at a time: 409 with the queued or running run in error.details ([{ runId, status }]). A start that reaches a worker while another run is running is recorded with status skipped and its skippedReason.',
  })
  @ApiResponse({ status: 202, description: 'Queued', schema: jsonSchemaOf(scoreRunStartedResponse) })
  start() {
    return this.runs.start();
  }

  @Get()
  @Allow('scoring:read')
  @ApiOperation({ summary: 'Scoring runs, newest first, with progress and summary' })
  @ApiZodQuery(runsQuery)
  @ApiZodOk(scoreRunListResponse)
  list(@Query(new ZodPipe(runsQuery)) query: RunsQuery, @Caller() caller: Principal) {
    return this.runs.list(query, caller);
  }

  @Get(':id')
  @Allow('scoring:read')
  @ApiOperation({
    summary:
      'One run: progress (chunks, entities), and when done its summary: class distribution, entities that moved class, top movers (those within the caller’s jurisdiction)',
  })
  @ApiZodOk(scoreRunResponse)
  get(@Param('id') id: string, @Caller() caller: Principal) {
    return this.runs.get(id, caller);
  }
}
