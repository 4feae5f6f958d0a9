import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { DomainError } from '@lianjian/common';
import { JobName, QUEUE_CONCURRENCY, QueueName, type JobPayloads } from '@lianjian/queue';
import { RuleBacktestService, validateRule } from '@lianjian/rules';
import { FEATURE_NAMES } from '@lianjian/scoring';
import { JobRunner } from './job-runner';

// Rule backtests (规则回测), queued by POST /api/v1/rules/{id}/versions/{v}/backtest: the version is
// replayed over the period within the asker's jurisdiction; the result is the job's return value,
// which the api reads back (GET …/backtests/{id}) while the job is kept.
@Processor(QueueName.Backtest, { concurrency: QUEUE_CONCURRENCY[QueueName.Backtest] })
export class BacktestProcessor extends WorkerHost {
  constructor(
    private readonly backtests: RuleBacktestService,
    private readonly runner: JobRunner,
  ) {
    super();
  }

  // Timed, counted and logged with the request id of the api call that queued it, like every job.
  process(job: Job) {
    return this.runner.run(QueueName.Backtest, job, () => this.handle(job));
  }

  private async handle(job: Job) {
    if (job.name !== JobName.BacktestRule)
      throw new Error(`queue ${QueueName.Backtest} has no handler for job ${job.name}`);
    const { rule, period, regionPrefix } = job.data as JobPayloads[JobName.BacktestRule];
    const checked = validateRule(rule.definition, { profileFeatures: FEATURE_NAMES });
    if (!checked.ok)
      throw new UnrecoverableError(
        `rule ${rule.id} version ${rule.version} no longer validates: ${checked.errors.join('; ')} / 规则校验未通过`,
      );
    try {
      return await this.backtests.run(checked.rule, period, regionPrefix);
    } catch (e) {
      // Refused input (too many events, a live trigger): retrying changes nothing.
      if (e instanceof DomainError) throw new UnrecoverableError(e.message);
      throw e;
    }
  }
}
