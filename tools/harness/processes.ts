import { Queue } from 'bullmq';
import type { AppProcess } from '@lianjian/common';
import { ALL_QUEUES } from '@lianjian/queue';

// Waiting on the api and worker processes the tools and the benchmarks start: shared so that each
// says the same thing when a process dies or a wait times out.

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `probe` until it is true (a probe that throws counts as not yet); stops with the output of a
// process that exited meanwhile, or of all of them on timeout.
export async function until(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  procs: AppProcess[],
): Promise<void> {
  const t0 = Date.now();
  while (!(await probe().catch(() => false))) {
    const dead = procs.find((p) => p.proc.exitCode !== null || p.proc.signalCode !== null);
    if (dead) throw new Error(`a process exited while waiting for ${what}:\n${dead.output().slice(-3000)}`);
    if (Date.now() - t0 > timeoutMs)
      throw new Error(
        `timed out waiting for ${what}:\n${procs.map((p) => p.output().slice(-1500)).join('\n')}`,
      );
    await sleep(200);
  }
}

// Removes every job of every queue under `prefix` (a scratch run's queues).
export async function obliterateQueues(redisUrl: string, prefix: string): Promise<void> {
  for (const name of ALL_QUEUES) {
    const q = new Queue(name, { connection: { url: redisUrl }, prefix });
    await q.obliterate({ force: true });
    await q.close();
  }
}

// Until every queue under `prefix` is idle twice in a row (a finishing job may enqueue follow-ups:
// scores → class-change rules). Delayed jobs count (retries in backoff), except the next tick of a
// job scheduler, which is always there.
export async function untilQueuesIdle(
  redisUrl: string,
  prefix: string,
  procs: AppProcess[],
  timeoutMs = 600_000,
): Promise<void> {
  const queues = ALL_QUEUES.map((n) => new Queue(n, { connection: { url: redisUrl }, prefix }));
  try {
    let idleRounds = 0;
    await until(
      async () => {
        let busy = 0;
        for (const q of queues) {
          const c = await q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
          busy += Object.values(c).reduce((a, b) => a + b, 0);
          const delayed = await q.getJobs(['delayed']);
          busy += delayed.filter((j) => !j.repeatJobKey).length;
        }
        idleRounds = busy ? 0 : idleRounds + 1;
        return idleRounds >= 2;
      },
      timeoutMs,
      'the queues to drain',
      procs,
    );
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}
