import { verifyDraw, type SnapshotEntry } from '@lianjian/planning';
import type { PlanningRepository, PlanRow } from './planning.repository';

// 验证抽取: re-runs a stored plan's draw from its published seed and frozen snapshot and compares
// it with the stored task list — for the API (GET /inspection-plans/:id/verify) and for
// `npm run plan:verify`. `seed` and `snapshot` replace the stored ones, to check a published seed or
// a published snapshot file against the stored list.
export async function verifyStoredDraw(
  repo: PlanningRepository,
  plan: PlanRow,
  opts: { seed?: string; snapshot?: SnapshotEntry[] } = {},
) {
  if (plan.state === 'draft' || plan.state === 'frozen') return { planId: plan.id, drawn: false as const };
  const [snapshot, tasks] = await Promise.all([
    opts.snapshot ? Promise.resolve(opts.snapshot) : repo.snapshot(plan.id),
    repo.tasks(plan.id),
  ]);
  const seed = opts.seed ?? plan.seed!;
  const res = verifyDraw({
    planId: plan.id,
    seedHex: seed,
    snapshot,
    allocation: plan.allocation!.counts,
    snapshotHash: plan.snapshotHash!,
    commitment: plan.seedCommitment!,
    tasks: tasks.map((t) => ({
      key: t.entity.uscc ?? `id:${t.entityId}`,
      stratum: t.stratum,
      order: t.taskNo,
    })),
  });
  return {
    planId: plan.id,
    drawn: true as const,
    ok: res.ok,
    algorithm: res.algorithm,
    snapshotHash: { published: plan.snapshotHash, recomputed: res.snapshotHash },
    snapshotSize: snapshot.length,
    seedCommitment: plan.seedCommitment,
    seed,
    tasks: { stored: tasks.length, redrawn: res.drawn },
    problems: res.problems,
    message: res.ok
      ? {
          zh: '验证通过：按公布的种子和名录快照重新抽取，结果与已公布名单一致',
          en: 'Verified: re-drawn from the published seed and snapshot, the list is the same',
        }
      : {
          zh: `验证未通过：${res.problems.map((p) => PROBLEM_ZH[p.code]).join('；')}`,
          en: `Verification failed: ${res.problems.map((p) => PROBLEM_EN[p.code]).join('; ')}`,
        },
  };
}

const PROBLEM_ZH = {
  snapshot_changed: '名录快照与冻结时公布的哈希不一致',
  seed_mismatch: '种子与抽取前公布的承诺值不一致',
  list_differs: '重新抽取的名单与已存名单不同',
} as const;
const PROBLEM_EN = {
  snapshot_changed: 'the snapshot does not match the hash published at freeze',
  seed_mismatch: 'the seed does not match the commitment published before the draw',
  list_differs: 'the re-drawn list differs from the stored one',
} as const;
