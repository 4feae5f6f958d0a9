import { randomUUID } from 'node:crypto';
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { NotFoundError, withTimeout } from '@lianjian/common';
import { ScoreRunRepository } from '@lianjian/database';
import { JobName, JobQueue } from '@lianjian/queue';
import { parseParams } from '../common/query';
import { Allow } from '../auth/access.decorator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const runsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'cursor must be the nextCursor of a previous page')
    .optional(),
});

// Full scoring runs (全量评分): the nightly one (job scheduler, SCORING_CRON) and any started here.
@ApiTags('scoring')
@Controller('api/v1/score-runs')
export class ScoreRunsController {
  constructor(
    private readonly runs: ScoreRunRepository,
    private readonly jobs: JobQueue,
  ) {}

  @Post()
  @Allow('scoring:manage')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a full scoring run now (手动全量评分); poll GET /score-runs/{runId} for progress',
  })
  async start() {
    const runId = randomUUID();
    await withTimeout(
      this.jobs.add(JobName.StartScoreRun, { trigger: 'manual', runId }, { jobId: `start-run-${runId}` }),
      2000,
    );
    return { runId, status: 'queued' };
  }

  @Get()
  @Allow('scoring:read')
  @ApiOperation({ summary: 'Scoring runs, newest first, with progress and summary' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@Query() query: unknown) {
    const q = parseParams(runsQuery, query);
    const rows = await this.runs.list(q.limit + 1, q.cursor ? new Date(q.cursor) : undefined);
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(view),
      nextCursor: rows.length > q.limit ? page[page.length - 1].startedAt.toISOString() : null,
    };
  }

  @Get(':id')
  @Allow('scoring:read')
  @ApiOperation({
    summary:
      'One run: progress (chunks, entities), and when done its summary: class distribution, entities that moved class, top movers',
  })
  async get(@Param('id') id: string) {
    const run = UUID.test(id) ? await this.runs.get(id) : undefined;
    // A run just requested exists once a worker has picked up its start job (normally within a second).
    if (!run)
      throw new NotFoundError(`no score run ${id} (yet: a run just started appears when a worker takes it)`);
    return view(run);
  }
}

function view(r: Awaited<ReturnType<ScoreRunRepository['get']>> & object) {
  return {
    id: r.id,
    trigger: r.trigger,
    asOf: r.asOf,
    modelVersion: r.modelVersion,
    status: r.status,
    progress: {
      chunks: { done: r.chunksDone, total: r.chunksTotal },
      entities: { scored: r.entitiesScored, total: r.entitiesTotal },
      ratio: r.chunksTotal ? Math.round((r.chunksDone / r.chunksTotal) * 1000) / 1000 : 1,
    },
    scoresChanged: r.scoresChanged,
    summary: r.summary,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}
