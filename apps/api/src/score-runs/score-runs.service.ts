import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  outsideTransactionScope,
  withTimeout,
} from '@lianjian/common';
import { inJurisdiction, principalJurisdiction, type Principal } from '@lianjian/access';
import {
  ScoreRunRepository,
  ScoringModelRepository,
  ShadowScoreRepository,
  type ClassFlows,
  type ShadowMover,
} from '@lianjian/database';
import { JobQueue } from '@lianjian/queue';
import { runClassMix } from '@lianjian/scoring';
import type { ClassFlowsQuery, RunsQuery, StartRunBody } from './dto/score-run.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Full scoring runs (全量评分): the nightly one (job scheduler, SCORING_CRON) and any started here.
@Injectable()
export class ScoreRunsService {
  constructor(
    private readonly runs: ScoreRunRepository,
    private readonly jobs: JobQueue,
    private readonly models: ScoringModelRepository,
    private readonly shadow: ShadowScoreRepository,
  ) {}

  // One full run at a time: while one is queued (its start job not yet taken by a worker) or running,
  // another request is refused with its id. The check and the queueing happen under one database lock
  // (ScoreRunRepository.withStartLock), so two api processes cannot both start one. Both happen
  // outside the request's transaction: there the start job would wait for the commit, after the lock
  // is released, and a second request could pass the check before the first job is queued. The
  // request's audit entry stays in the request's transaction.
  //
  // With shadowModel, a shadow run (影子评分) of that candidate instead: one per candidate model at a
  // time (its own lock and queue deduplication), beside any full run; refused for a model not
  // registered (404) and for the active model (400: there is nothing to compare it with).
  async start(body: StartRunBody = {}) {
    const model = body.shadowModel;
    if (model !== undefined) return outsideTransactionScope(() => this.startShadow(model));
    return outsideTransactionScope(() => this.startLocked());
  }

  private async startShadow(model: string) {
    if (!(await this.models.get(model)))
      throw new NotFoundError(
        `no scoring model ${model}: a shadow run scores with a registered model (GET /scoring-models) / 没有评分模型 ${model}，影子评分须使用已登记的模型`,
      );
    if ((await this.models.activeVersion()) === model)
      throw new InvalidInputError(
        `${model} is the active model; a shadow run scores with a candidate to compare it with the active one / ${model} 是现行模型，影子评分须选择候选模型与之比较`,
        [`body.shadowModel: ${model} is the active model`],
      );
    return this.runs.withShadowStartLock(model, async (running) => {
      if (running) throw shadowBusy(model, running.id, 'running');
      const queued = await withTimeout(this.jobs.pendingShadowRun(model), 2000);
      if (queued) throw shadowBusy(model, queued, 'queued');
      const runId = randomUUID();
      await withTimeout(this.jobs.startShadowRun(runId, model), 2000);
      return { runId, status: 'queued', shadowModel: model };
    });
  }

  private startLocked() {
    return this.runs.withStartLock(async (running) => {
      if (running) throw busy(running.id, 'running');
      const queued = await withTimeout(this.jobs.pendingFullRun(), 2000);
      if (queued) throw busy(queued, 'queued');
      const runId = randomUUID();
      await withTimeout(this.jobs.startFullRun(runId), 2000);
      return { runId, status: 'queued' };
    });
  }

  async list(q: RunsQuery, caller: Principal) {
    const rows = await this.runs.list(q.limit + 1, q.cursor ? new Date(q.cursor) : undefined);
    const page = rows.slice(0, q.limit);
    return {
      items: await Promise.all(page.map((r) => this.moversWithin(view(r), caller))),
      nextCursor: rows.length > q.limit ? page[page.length - 1].startedAt.toISOString() : null,
    };
  }

  async get(id: string, caller: Principal) {
    const run = UUID.test(id) ? await this.runs.get(id) : undefined;
    // A run just requested exists once a worker has picked up its start job (normally within a second).
    if (!run)
      throw new NotFoundError(`no score run ${id} (yet: a run just started appears when a worker takes it)`);
    return this.moversWithin(view(run), caller);
  }

  // 分类流向: a shadow run's class flows, counted from its stored shadow scores within the caller's
  // jurisdiction (the risk list's rule: a county sees its county's entities), with its biggest movers
  // there. A run whose scores are no longer kept (an earlier shadow run of its model) answers from its
  // summary: province-wide counts (as every run's summary gives them) and the movers within the
  // jurisdiction. An API key gets counts, no names.
  async classFlows(id: string, q: ClassFlowsQuery, caller: Principal) {
    const run = UUID.test(id) ? await this.runs.get(id) : undefined;
    if (!run) throw new NotFoundError(`no score run ${id}`);
    if (run.kind !== 'shadow')
      throw new NotFoundError(
        `score run ${id} is a full run; class flows are a shadow run's / 该评分运行为全量评分，分类流向只属于影子评分`,
      );
    if (run.status !== 'done')
      throw new ConflictError(
        `shadow run ${id} is ${run.status}; its class flows are counted when it is done / 影子评分尚未完成，完成后方可查看分类流向`,
        [{ runId: id, status: run.status }],
      );
    const prefix = principalJurisdiction(caller);
    const kept = await this.shadow.hasRows(id);
    let flows: ClassFlows;
    let movers: (Omit<ShadowMover, 'activeModel' | 'shadowProbability'> & {
      activeModel: string | null;
      shadowProbability: number | null;
    })[];
    let regionPrefix: string;
    if (kept) {
      regionPrefix = prefix ?? '';
      flows = await this.shadow.classFlows(id, regionPrefix);
      movers = prefix === null ? [] : await this.shadow.movers(id, regionPrefix, q.movers);
    } else {
      regionPrefix = '';
      const summary = (await this.moversWithin(view(run), caller)).summary as ShadowRunSummary | null;
      if (!summary?.classFlows) throw new NotFoundError(`shadow run ${id} has no class flows`);
      const { shadowModel: _model, ...counts } = summary.classFlows;
      flows = counts;
      movers = summary.topMovers.slice(0, q.movers).map((m) => ({
        entityId: m.entityId,
        uscc: m.uscc,
        name: m.name,
        activeClass: m.from,
        activeScore: m.previousScore,
        activeModel: null,
        shadowClass: m.to,
        shadowScore: m.score,
        shadowProbability: null,
      }));
    }
    return {
      runId: run.id,
      shadowModel: run.modelVersion,
      asOf: run.asOf,
      finishedAt: run.finishedAt,
      scope: { regionPrefix, rowsKept: kept },
      ...flows,
      classMix: runClassMix({ classDistribution: flows.shadowClassDistribution }, run.classPolicy),
      movers,
    };
  }

  // A run's top movers name entities and their classes: a caller sees those within their
  // jurisdiction only (a county's staff do not learn which entities of another city moved to D). The
  // class distribution and transition counts stay province-wide figures without names.
  private async moversWithin<T extends { summary: unknown }>(run: T, caller: Principal): Promise<T> {
    const summary = run.summary as { topMovers?: { entityId: string }[] } | null;
    const prefix = principalJurisdiction(caller) ?? '-';
    if (!summary?.topMovers?.length || prefix === '') return run;
    const regions = await this.runs.regionsOf(summary.topMovers.map((m) => m.entityId));
    const topMovers = summary.topMovers.filter(
      (m) => prefix !== '-' && inJurisdiction(prefix, regions.get(m.entityId)),
    );
    return { ...run, summary: { ...summary, topMovers } };
  }
}

type ShadowRunSummary = {
  classFlows?: ClassFlows & { shadowModel: string };
  topMovers: {
    entityId: string;
    uscc: string | null;
    name: string | null;
    from: ShadowMover['activeClass'];
    to: ShadowMover['shadowClass'];
    score: number;
    previousScore: number;
  }[];
};

function shadowBusy(model: string, runId: string, status: 'queued' | 'running'): ConflictError {
  return new ConflictError(
    `a shadow run of ${model} is ${status} (${runId}); wait for it to finish / ${model} 已有影子评分正在${status === 'queued' ? '排队' : '进行'}，请等待其完成`,
    [{ runId, status }],
  );
}

function busy(runId: string, status: 'queued' | 'running'): ConflictError {
  return new ConflictError(
    `a full scoring run is ${status} (${runId}); wait for it to finish / 已有全量评分正在${status === 'queued' ? '排队' : '进行'}，请等待其完成`,
    [{ runId, status }],
  );
}

function view(r: Awaited<ReturnType<ScoreRunRepository['get']>> & object) {
  return {
    id: r.id,
    kind: r.kind,
    shadowModel: r.kind === 'shadow' ? r.modelVersion : null,
    trigger: r.trigger,
    asOf: r.asOf,
    modelVersion: r.modelVersion,
    status: r.status,
    skippedReason: r.skippedReason,
    progress: {
      chunks: { done: r.chunksDone, total: r.chunksTotal },
      entities: { scored: r.entitiesScored, total: r.entitiesTotal },
      ratio: r.chunksTotal ? Math.round((r.chunksDone / r.chunksTotal) * 1000) / 1000 : 1,
    },
    scoresChanged: r.scoresChanged,
    // The class mix against the policy the run started with; a class outside its band flags the model.
    summary:
      r.summary && typeof r.summary === 'object'
        ? { ...(r.summary as object), classMix: runClassMix(r.summary, r.classPolicy) }
        : r.summary,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}
