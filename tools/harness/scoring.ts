import type { DataSource } from 'typeorm';
import { createAdmin, signIn } from './access';
import { sleep } from './processes';
import { NO_SCHEDULES, type Scratch } from './scratch';

// A full scoring run as a user starts it: POST /api/v1/score-runs as the system administrator, one
// worker, polled until done. The api and worker stop afterwards.
export async function scoreAll(
  scratch: Scratch,
  ds: DataSource,
  apiEnv: Record<string, string> = {},
): Promise<number> {
  const admin = await createAdmin(ds, `bench-admin-${Date.now().toString(36)}`);
  const workers = await scratch.startWorkers(1, { ...NO_SCHEDULES, WORKER_QUEUES: 'scoring' });
  const { api, base } = await scratch.startApi({ ...NO_SCHEDULES, ...apiEnv }, workers);
  try {
    const auth = await signIn(base, admin.username, admin.password);
    const t0 = Date.now();
    const res = await fetch(`${base}/api/v1/score-runs`, { method: 'POST', headers: auth });
    if (res.status !== 202)
      throw new Error(`POST /api/v1/score-runs answered ${res.status}: ${await res.text()}`);
    const { runId } = (await res.json()) as { runId: string };
    for (;;) {
      const r = await fetch(`${base}/api/v1/score-runs/${runId}`, { headers: auth });
      const run = r.status === 200 ? ((await r.json()) as { status: string }) : undefined;
      if (run?.status === 'done') break;
      if (run?.status === 'failed') throw new Error(`score run ${runId} failed`);
      const dead = workers.find((w) => w.proc.exitCode !== null || w.proc.signalCode !== null);
      if (dead) throw new Error(`the worker exited during the run:\n${dead.output().slice(-3000)}`);
      await sleep(500);
    }
    return (Date.now() - t0) / 1000;
  } finally {
    await Promise.all([...workers, api].map((p) => p.stop()));
  }
}

