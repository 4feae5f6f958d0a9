import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotFoundError, withTimeout } from '@lianjian/common';
import { ScoreRunRepository } from '@lianjian/database';
import { JobName, JobQueue } from '@lianjian/queue';
import type { RunsQuery } from './dto/score-run.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Full scoring runs (全量评分): the nightly one (job scheduler, SCORING_CRON) and any started here.
@Injectable()
export class ScoreRunsService {
  constructor(
    private readonly runs: ScoreRunRepository,
    private readonly jobs: JobQueue,
  ) {}

  async start() {
    const runId = randomUUID();
    await withTimeout(
      this.jobs.add(JobName.StartScoreRun, { trigger: 'manual', runId }, { jobId: `start-run-${runId}` }),
      2000,
    );
    return { runId, status: 'queued' };
  }

  async list(q: RunsQuery) {
    const rows = await this.runs.list(q.limit + 1, q.cursor ? new Date(q.cursor) : undefined);
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(view),
      nextCursor: rows.length > q.limit ? page[page.length - 1].startedAt.toISOString() : null,
    };
  }

  async get(id: string) {
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
