import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ApiZodOk, ApiZodQuery, jsonSchemaOf } from '../common/openapi';
import { ZodPipe } from '../common/zod.pipe';
import {
  classFlowsResponse,
  scoreRunListResponse,
  scoreRunResponse,
  scoreRunStartedResponse,
} from './dto/score-run-responses';
import { Expensive } from '../rate-limit/rate-limit';
import {
  classFlowsQuery,
  runsQuery,
  startRunBody,
  type ClassFlowsQuery,
  type RunsQuery,
  type StartRunBody,
} from './dto/score-run.dto';
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
      'One full run at a time: 409 with the queued or running run in error.details ([{ runId, status }]). A start that reaches a worker while another run is running is recorded with status skipped and its skippedReason.\n\n' +
      'Shadow run (影子评分): with { "shadowModel": "<version>" } the candidate model scores every entity as of today instead, its scores kept apart (never the entity’s score, no alert); when done its summary and GET /score-runs/{id}/class-flows compare its classes with the active model’s. 404: no such model; 400: it is the active model; 409: a shadow run of it is queued or running (error.details [{ runId, status }]). Full runs and shadow runs do not wait for each other. Without a body, a full run as before.',
  })
  @ApiBody({
    required: false,
    schema: { ...jsonSchemaOf(startRunBody, 'input'), example: { shadowModel: 'scorecard-v1.1' } },
  })
  @ApiResponse({ status: 202, description: 'Queued', schema: jsonSchemaOf(scoreRunStartedResponse) })
  start(@Body(new ZodPipe(startRunBody)) body: StartRunBody) {
    return this.runs.start(body);
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

  @Get(':id/class-flows')
  @Allow('scoring:read')
  @ApiOperation({
    summary:
      'A shadow run’s class flows (分类流向): active class (现行模型) × candidate class (候选模型) of the entities within the caller’s jurisdiction, upgrades and downgrades, the candidate’s class mix, the biggest movers',
    description:
      '404: no such run, or a full run; 409: the shadow run is not done yet. Counted from the run’s stored shadow scores while they are kept (the latest finished shadow run of each model); for an earlier run, from its summary (scope.rowsKept false: province-wide counts, movers within the jurisdiction).',
  })
  @ApiZodQuery(classFlowsQuery)
  @ApiZodOk(classFlowsResponse)
  classFlows(
    @Param('id') id: string,
    @Query(new ZodPipe(classFlowsQuery)) query: ClassFlowsQuery,
    @Caller() caller: Principal,
  ) {
    return this.runs.classFlows(id, query, caller);
  }
}
