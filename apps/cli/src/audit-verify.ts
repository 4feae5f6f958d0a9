import 'reflect-metadata';
import { AuditRepository, createDataSource } from '@lianjian/database';
import { baseEnvSchema, parseEnv } from '@lianjian/common';
import { printJsonLine, runCommand } from './command';

// npm run audit:verify: recomputes the audit log's hash chain (审计日志校验) on DATABASE_URL and
// names every entry that was edited, deleted or re-linked. From the last checkpoint (the head a
// verification last found intact) by default; `-- --full` re-verifies the whole chain. Exit code 0 when the chain holds, 2 when
// it does not. The head hash printed can be kept elsewhere: a later run whose chain no longer leads
// to it shows that history was rewritten. The last line is JSON.
runCommand({ name: 'audit:verify', usage: '[--full]', options: { full: 'boolean' }, run: verify });

async function verify(args: { full?: boolean }): Promise<number> {
  const env = parseEnv(baseEnvSchema, process.env);
  const ds = createDataSource(env.DATABASE_URL, 2);
  await ds.initialize();
  try {
    const v = await new AuditRepository(ds).verify({ full: args.full === true });
    const scope = v.mode === 'full' ? 'whole chain' : `after checkpoint #${v.from}`;
    if (v.ok)
      console.log(`audit log intact (${scope}): ${v.entries} entries, head #${v.headSeq} ${v.headHash}`);
    else {
      console.log(
        `audit log TAMPERED (审计日志被篡改): ${v.problems.length} problem(s) in ${v.entries} entries (${scope})`,
      );
      for (const p of v.problems.slice(0, 50)) console.log(`  #${p.seq} ${p.problem}: ${p.detail}`);
    }
    printJsonLine({
      audit: 'verify',
      mode: v.mode,
      from: v.from,
      ok: v.ok,
      entries: v.entries,
      headSeq: v.headSeq,
      headHash: v.headHash,
      problems: v.problems.length,
    });
    return v.ok ? 0 : 2;
  } finally {
    await ds.destroy();
  }
}
