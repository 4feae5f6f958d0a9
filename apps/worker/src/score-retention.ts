import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuditRepository, ScoreRepository } from '@lianjian/database';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { schedule } from './schedule';

// Score history retention (评分历史保存期限, issue 15): with SCORE_HISTORY_RETENTION_MONTHS set, the
// scoring queue's purge-score-history job, on a BullMQ job scheduler (SCORE_RETENTION_CRON in
// SCHEDULES_TZ: one purge per tick however many workers run), deletes the score rows older than
// that which carry no class change (ScoreRepository.purgeHistory says exactly which are kept). Each
// purge is logged and audited (system:retention, score.history.purge) with its counts. Unset (0,
// the default), nothing is scheduled and the history is kept whole.
@Injectable()
export class ScoreRetention implements OnApplicationBootstrap {
  private readonly log = new Logger(ScoreRetention.name);
  private readonly months: number;

  constructor(
    private readonly jobs: JobQueue,
    private readonly scores: ScoreRepository,
    private readonly audit: AuditRepository,
    private readonly config: ConfigService,
  ) {
    this.months = config.get<number>('SCORE_HISTORY_RETENTION_MONTHS') ?? 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    await schedule(
      this.jobs.queue(QueueName.Scoring),
      JobName.PurgeScoreHistory,
      this.months > 0 ? this.config.getOrThrow<string>('SCORE_RETENTION_CRON') : '',
      this.config.getOrThrow<string>('SCHEDULES_TZ'),
      { name: JobName.PurgeScoreHistory, data: {} },
      this.log,
    );
  }

  async purge(): Promise<{ deleted: number; kept: number; skipped?: string }> {
    if (!(this.months > 0)) return { deleted: 0, kept: 0, skipped: 'retention off' };
    const t0 = Date.now();
    const res = await this.scores.purgeHistory(this.months);
    if (res.skipped) {
      this.log.warn(`score history retention skipped: a full scoring run is running; the next tick retries`);
      return res;
    }
    const seconds = (Date.now() - t0) / 1000;
    this.log.log(
      `score history retention (${this.months} months, before ${res.before}): ${res.deleted} score rows ` +
        `deleted, ${res.kept} older rows kept (current scores, class changes and the scores before them) ` +
        `in ${seconds.toFixed(1)} s`,
    );
    await this.audit.append({
      actor: 'system:retention',
      role: 'system',
      source: `job:${JobName.PurgeScoreHistory}`,
      action: 'score.history.purge',
      target: 'score',
      result: 'ok',
      detail: { months: this.months, before: res.before, deleted: res.deleted, kept: res.kept, seconds },
    });
    return res;
  }
}
