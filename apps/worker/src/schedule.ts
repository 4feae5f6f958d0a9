import type { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';

// Registers (or updates) a BullMQ job scheduler: one job per tick however many workers run it. An
// empty cron removes the schedule. Redis down at start is not fatal: the worker serves what it can
// and the next start schedules again.
export async function schedule(
  queue: Queue,
  id: string,
  cron: string,
  tz: string,
  job: { name: string; data: object },
  log: Logger,
): Promise<void> {
  try {
    if (!cron) {
      await queue.removeJobScheduler(id);
      return;
    }
    await queue.upsertJobScheduler(id, { pattern: cron, tz }, job);
  } catch (e) {
    log.warn(`${id} not scheduled (${(e as Error).message})`);
  }
}
