import { readFileSync } from 'node:fs';
import { baseEnvSchema, parseEnv } from '@lianjian/common';
import { DatabaseModule, PlanningRepository, verifyStoredDraw } from '@lianjian/database';
import { isRiskStratum, type SnapshotEntry } from '@lianjian/planning';
import { createCommandContext } from './app-context';
import { type Args, CommandError, printJsonLine, runCommand } from './command';

const OPTIONS = { plan: 'string', seed: 'string', snapshot: 'string' } as const;
const USAGE = '--plan ID [--seed HEX] [--snapshot FILE]';

// npm run plan:verify: re-runs a plan's draw (验证双随机抽取) from its published seed and frozen
// population snapshot, and confirms that it gives the stored task list. --seed checks another seed
// (the one published with the task list, say) against the commitment and the list; --snapshot
// checks a snapshot file (lines `<USCC or id:ID>,<class>`, as hashed, e.g. one handed to an
// auditor) instead of the stored one. Exit code 0 when verified, 1 when not; the last line is JSON.
runCommand({ name: 'plan:verify', usage: USAGE, options: OPTIONS, run: verify });

async function verify(args: Args<typeof OPTIONS>): Promise<number> {
  if (!args.plan) throw new CommandError(`--plan is required (${USAGE})`);
  parseEnv(baseEnvSchema, process.env);
  const snapshot = args.snapshot ? readSnapshot(args.snapshot) : undefined;
  const app = await createCommandContext([DatabaseModule]);
  try {
    const repo = app.get(PlanningRepository);
    const plan = await repo.get(args.plan);
    if (!plan) throw new CommandError(`no inspection plan ${args.plan} (无此抽查计划)`);
    if (args.seed !== undefined && !/^[0-9a-f]{64}$/i.test(args.seed))
      throw new CommandError('--seed is 64 hexadecimal characters (种子应为64位十六进制)');
    const res = await verifyStoredDraw(repo, plan, { seed: args.seed?.toLowerCase(), snapshot });
    if (!res.drawn)
      throw new CommandError(`plan ${plan.id} is ${plan.state}: not drawn yet, nothing to verify (尚未抽取)`);
    console.log(`plan ${plan.id} "${plan.title}" — ${res.algorithm}`);
    console.log(
      `  snapshot: ${res.snapshotSize} entities, hash ${res.snapshotHash.recomputed} (published ${res.snapshotHash.published})`,
    );
    console.log(`  seed ${res.seed} against commitment ${res.seedCommitment}`);
    console.log(`  tasks: ${res.tasks.stored} stored, ${res.tasks.redrawn} re-drawn`);
    console.log(`  ${res.message.zh}`);
    console.log(`  ${res.message.en}`);
    printJsonLine({ verify: 'plan', ...res });
    return res.ok ? 0 : 1;
  } finally {
    await app.close();
  }
}

// A snapshot file as GET /inspection-plans/:id/snapshot gives it and as it is hashed: one
// `<key>,<class>` line per entity in canonical order, key a USCC or id:<id>.
function readSnapshot(file: string): SnapshotEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CommandError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const out: SnapshotEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line) return;
    const [key, cls, ...rest] = line.split(',');
    if (!key || !isRiskStratum(cls) || rest.length)
      throw new CommandError(`${file}:${i + 1}: expected <USCC or id:ID>,<A|B|C|D> (快照文件格式有误)`);
    const id = key.startsWith('id:') ? key.slice(3) : key;
    out.push({ entityId: id, uscc: key.startsWith('id:') ? null : key, riskClass: cls });
  });
  return out;
}
