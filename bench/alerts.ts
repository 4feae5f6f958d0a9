import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { parseEnv, todayInShanghai } from '@lianjian/common';
import { ALL_QUEUES, QueueName } from '@lianjian/queue';
import {
  loadConfigRules,
  routeFinding,
  validateRoutingMatrix,
  type RoutingDepartment,
  type RuleDefinition,
} from '@lianjian/rules';
import { generateDepartments } from '@lianjian/seed';
import { type Args, printJsonLine, runCommand } from '../apps/cli/src/command';
import {
  createAdmin,
  harnessEnvSchema,
  NO_SCHEDULES,
  signIn,
  sleep,
  storeDepartments,
  until,
  untilQueuesIdle,
  withScratch,
} from '../tools/harness';
import { cpuSeconds, machineCpu, machineLoad, RssSampler } from './proc';
import {
  BackgroundLoad,
  BACKGROUND_SOURCE,
  benchEntities,
  nowMs,
  postRecords,
  useCredentials,
  withCredentials,
  PROBE_SOURCE,
  probeRecord,
  registrationRecord,
  type BenchEntity,
  type ProbeKind,
} from './alerts-load';
import { ReceiverFleet, type Receipt } from './alerts-receivers';
import {
  DeliveryJobTimes,
  HOPS,
  hopTimes,
  jobTimes,
  ms0,
  probeRows,
  stats,
  type Hop,
  type Stats,
} from './alerts-report';

// npm run bench:alerts [-- --seconds N] [--rate R] [--probe-interval-ms M] [--workers W]
//                         [--entities E] [--warmup S] [--straggler-seconds T] [--keep]
//
// Joint-alert latency (一处发现、多方联动) end to end, on real processes: a scratch database with the
// province's departments, the api and W worker processes (all queues), one webhook receiver per
// department a probe can be routed to (its URL and secret set through the API). Background records
// that raise no alert go in at R records/s (default 500) through POST /api/v1/records; every M ms
// (default 200) one probe record, its own POST, raises a critical joint alert about a fresh entity.
// A probe's latency: from its 202 to the moment the last department the joint-action matrix routes
// it to (computed with the worker's own routeFinding) has it at its receiver. After N seconds
// (default 60) of measurement (after S seconds of warm-up, default 5, whose probes are checked but
// not timed), everything stops and stragglers get T seconds (default 30). Duplicates (an idempotency
// key received twice, or a probe's department reached by two alerts) and losses (a routed department
// never reached) must be 0. The last line is JSON.

const REGISTER_CHUNK = 2000;
const round1 = (x: number) => Math.round(x * 10) / 10;

interface Probe {
  n: number;
  entity: BenchEntity;
  kind: ProbeKind;
  ruleId: string;
  expected: string[];
  warmup: boolean;
  sentAt: number;
  t202?: number;
  postMs?: number;
  batchId?: string;
  error?: string;
  // First receipt per department.
  received: Map<string, Receipt>;
}

const OPTIONS = {
  seconds: { type: 'number', min: 0.001 },
  rate: { type: 'number', min: 0 },
  'probe-interval-ms': { type: 'number', min: 10 },
  workers: { type: 'integer', min: 1 },
  entities: { type: 'integer', min: 10 },
  warmup: { type: 'number', min: 0 },
  'straggler-seconds': { type: 'number', min: 0 },
  keep: 'boolean',
} as const;

runCommand({
  name: 'bench:alerts',
  usage:
    '[--seconds N] [--rate R] [--probe-interval-ms M] [--workers W] [--entities E] [--warmup S] ' +
    '[--straggler-seconds T] [--keep]',
  options: OPTIONS,
  run: bench,
});

async function bench(args: Args<typeof OPTIONS>): Promise<number> {
  const env = parseEnv(harnessEnvSchema, process.env);
  const seconds = args.seconds ?? 60;
  const rate = args.rate ?? 500;
  const probeIntervalMs = args['probe-interval-ms'] ?? 200;
  const workerCount = args.workers ?? 1;
  const poolSize = args.entities ?? 2000;
  const warmup = args.warmup ?? 5;
  const stragglerSec = args['straggler-seconds'] ?? 30;

  const today = todayInShanghai();
  const configDir = 'config';
  const fleet = new ReceiverFleet();
  let deliveryJobs: DeliveryJobTimes | undefined;
  const loadAtStart = machineLoad();
  console.log(
    `bench:alerts — ${seconds} s at ${rate} background records/s, a probe every ${probeIntervalMs} ms, ` +
      `${workerCount} worker process(es); ${loadAtStart}`,
  );

  try {
    // --- the same routing as the worker: the shipped rules and matrix, the province's departments ---
    const matrix = validateRoutingMatrix(
      JSON.parse(readFileSync(join(configDir, 'routing', 'joint-action-matrix.json'), 'utf8')),
    );
    const rules = loadConfigRules(configDir);
    const ruleFor: Record<ProbeKind, RuleDefinition> = {
      license_revocation: findRule(rules, 'license-revoked'),
      serious_violation: findRule(rules, 'serious-violation-listed'),
    };
    const departments = generateDepartments('330000');
    const routing: RoutingDepartment[] = departments.map((d) => ({
      code: d.code,
      name: d.name,
      domains: d.domains,
      regionCode: d.regionCode,
    }));
    const expectedFor = (e: BenchEntity, kind: ProbeKind) =>
      routeFinding({
        finding: { type: ruleFor[kind].finding.type, severity: ruleFor[kind].severity },
        entity: { regionCode: e.regionCode, industryCode: e.industryCode },
        departments: routing,
        matrix,
      }).map((d) => d.departmentCode);

    const probeCount = Math.ceil(((warmup + seconds) * 1000) / probeIntervalMs) + 10;
    const probeEntities = benchEntities('Q', probeCount);
    const pool = benchEntities('P', poolSize);
    const kindOf = (n: number): ProbeKind => (n % 2 === 0 ? 'license_revocation' : 'serious_violation');
    const routed = new Set<string>();
    probeEntities.forEach((e, n) => expectedFor(e, kindOf(n)).forEach((c) => routed.add(c)));
    const codes = new Set(departments.map((d) => d.code));
    for (const e of [...pool, ...probeEntities])
      if (!codes.has(`${e.regionCode}-SAMR`)) throw new Error(`no department ${e.regionCode}-SAMR`);

    // --- scratch database and queues ---
    return await withScratch(env, 'bench_alerts', { keep: args.keep }, async (scratch) => {
      const prefix = scratch.prefix;
      const ds = await scratch.dataSource(2);
      await storeDepartments(ds, departments);

      // An administrator who signs in through the api, as staff would (records are sent with the token).
      const admin = await createAdmin(ds, 'bench-admin');

      // --- the api and the workers ---
      const { api, base } = await scratch.startApi(NO_SCHEDULES);
      useCredentials(await signIn(base, admin.username, admin.password));
      const workers = await scratch.startWorkers(workerCount, NO_SCHEDULES);
      const processes = [api, ...workers];

      // --- one receiver per department a probe can reach: URL and secret through the API ---
      for (const code of [...routed].sort()) {
        const receiverUrl = await fleet.add(code);
        const put = await fetch(`${base}/api/v1/departments/${code}/webhook`, {
          method: 'PUT',
          headers: withCredentials({ 'content-type': 'application/json' }),
          body: JSON.stringify({ url: receiverUrl }),
        });
        if (put.status !== 200) throw new Error(`PUT webhook of ${code}: ${put.status} ${await put.text()}`);
        const rot = await fetch(`${base}/api/v1/departments/${code}/webhook/secret/rotate`, {
          method: 'POST',
          headers: withCredentials(),
        });
        if (rot.status !== 201)
          throw new Error(`rotate secret of ${code}: ${rot.status} ${await rot.text()}`);
        const { keyId, secret } = (await rot.json()) as { keyId: string; secret: string };
        fleet.setSecret(code, keyId, secret);
      }
      console.log(
        `${departments.length} departments; ${routed.size} webhook receivers (every department a probe can be routed to)`,
      );

      // --- entities: the background pool and the probes' entities, registered and scored first ---
      const t0 = Date.now();
      const registrations = [
        ...pool.map((e, i) => ({ source: BACKGROUND_SOURCE, record: registrationRecord(e, i) })),
        ...probeEntities.map((e, i) => ({
          source: PROBE_SOURCE,
          record: registrationRecord(e, 100_000 + i),
        })),
      ];
      const batchIds: string[] = [];
      for (const source of [BACKGROUND_SOURCE, PROBE_SOURCE]) {
        const recs = registrations.filter((r) => r.source === source).map((r) => r.record);
        for (let i = 0; i < recs.length; i += REGISTER_CHUNK) {
          const r = await postRecords(base, source, recs.slice(i, i + REGISTER_CHUNK));
          if (r.status !== 202 || r.rejected.length || !r.batchId)
            throw new Error(`registering entities: ${r.status} ${JSON.stringify(r.rejected.slice(0, 2))}`);
          batchIds.push(r.batchId);
        }
      }
      await until(
        async () => {
          for (const id of batchIds) {
            const b = (await (
              await fetch(`${base}/api/v1/batches/${id}`, { headers: withCredentials() })
            ).json()) as { status: string };
            if (b.status === 'failed') throw new Error(`registration batch ${id} failed`);
            if (b.status !== 'done') return false;
          }
          return true;
        },
        300_000,
        'the registrations to be applied',
        processes,
      );
      await untilQueuesIdle(env.REDIS_URL, prefix, processes);
      console.log(
        `registered ${pool.length} background and ${probeEntities.length} probe entities, scored, in ` +
          `${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );

      // --- the run ---
      deliveryJobs = new DeliveryJobTimes(env.REDIS_URL, prefix);
      await deliveryJobs.ready();
      const probes: Probe[] = [];
      const byUscc = new Map<string, Probe>();
      const otherByRule = new Map<string, number>();
      const unexpectedList: string[] = [];
      let probeCrossDuplicates = 0; // a probe's department reached under two idempotency keys
      let unexpectedDepartments = 0;
      fleet.onReceipt = (r) => {
        const p = r.entityKey ? byUscc.get(r.entityKey) : undefined;
        if (!p || p.ruleId !== r.ruleId) {
          otherByRule.set(r.ruleId, (otherByRule.get(r.ruleId) ?? 0) + 1);
          return;
        }
        if (!p.expected.includes(r.department)) {
          unexpectedDepartments++;
          unexpectedList.push(`${p.n}:${r.department}`);
        }
        if (p.received.has(r.department)) probeCrossDuplicates++;
        else p.received.set(r.department, r);
      };

      const pids = workers.map((w) => w.proc.pid as number);
      const rss = new RssSampler([...pids, api.proc.pid as number]);
      const cpu0 = pids.map((pid) => cpuSeconds(pid) ?? 0);
      const apiCpu0 = cpuSeconds(api.proc.pid as number) ?? 0;
      const m0 = machineCpu();
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      rss.start(500);
      const background = new BackgroundLoad(base, pool, rate, today);
      const inFlight = new Set<Promise<void>>();
      const sendProbe = (n: number, warm: boolean) => {
        const entity = probeEntities[n];
        const kind = kindOf(n);
        const p: Probe = {
          n,
          entity,
          kind,
          ruleId: ruleFor[kind].id,
          expected: expectedFor(entity, kind),
          warmup: warm,
          sentAt: nowMs(),
          received: new Map(),
        };
        probes.push(p);
        byUscc.set(entity.uscc, p);
        const pr = postRecords(base, PROBE_SOURCE, [probeRecord(entity, kind, n, today)])
          .then((r) => {
            if (r.status !== 202 || r.accepted !== 1 || !r.batchId)
              p.error = `POST answered ${r.status} (accepted ${r.accepted}): ${JSON.stringify(r.rejected)}`;
            p.t202 = r.at;
            p.postMs = r.ms;
            p.batchId = r.batchId;
          })
          .catch((e: unknown) => {
            p.error = (e as Error).message;
          })
          .finally(() => inFlight.delete(pr));
        inFlight.add(pr);
      };

      background.start();
      const runStart = nowMs();
      const measureFrom = runStart + warmup * 1000;
      const runEnd = measureFrom + seconds * 1000;
      let lastPrint = Date.now();
      for (let n = 0; ; n++) {
        const due = runStart + n * probeIntervalMs;
        if (due >= runEnd || n >= probeEntities.length) break;
        const wait = due - nowMs();
        if (wait > 0) await sleep(wait);
        sendProbe(n, due < measureFrom);
        if (Date.now() - lastPrint > 10_000) {
          lastPrint = Date.now();
          const done = probes.filter((p) => p.expected.every((d) => p.received.has(d))).length;
          process.stderr.write(
            `  ${((nowMs() - runStart) / 1000).toFixed(0)} s: ${probes.length} probes (${done} complete), ` +
              `background ${Math.round(background.achievedRate())} records/s, RSS of worker(s) / api ${rss.currentMb().join(' / ')} MB\n`,
          );
        }
        const dead = processes.find((p) => p.proc.exitCode !== null || p.proc.signalCode !== null);
        if (dead) throw new Error(`a process exited during the run:\n${dead.output().slice(-3000)}`);
      }
      await background.stop();
      await Promise.all(inFlight);
      // Whether the workers kept up: what the queues still hold when the load stops.
      const backlog = await queueBacklog(env.REDIS_URL, prefix);
      const loadAtRunEnd = machineLoad();
      const m1 = machineCpu();
      const workerCpu = pids.map((pid, i) => round1((cpuSeconds(pid) ?? 0) - cpu0[i]));
      const apiCpu = round1((cpuSeconds(api.proc.pid as number) ?? 0) - apiCpu0);
      const runSec = (nowMs() - runStart) / 1000;

      // --- stragglers ---
      const tWait = Date.now();
      const complete = (p: Probe) => p.expected.every((d) => p.received.has(d));
      while (Date.now() - tWait < stragglerSec * 1000 && !probes.every((p) => p.error || complete(p)))
        await sleep(100);
      // Late duplicates would come now if at all: a short look after the last expected arrival.
      await sleep(1000);
      loop.disable();
      const peakRss = rss.stop();

      // --- figures ---
      const measured = probes.filter((p) => !p.warmup);
      const probeErrors = probes.filter((p) => p.error);
      const lostPairs: string[] = [];
      for (const p of probes)
        if (!p.error)
          for (const d of p.expected) if (!p.received.has(d)) lostPairs.push(`probe ${p.n} → ${d}`);
      const latency = (p: Probe) =>
        Math.max(...p.expected.map((d) => p.received.get(d)?.at ?? NaN)) - (p.t202 ?? NaN);
      const timed = measured.filter((p) => !p.error && complete(p) && p.expected.length);
      const lat = stats(timed.map(latency));
      const duplicates = fleet.duplicates() + probeCrossDuplicates;
      const expectedPairs = measured.reduce((s, p) => s + p.expected.length, 0);

      // PostgreSQL's view of the same probes: one alert each, one webhook delivery per routed
      // department, delivered at the first attempt.
      const rows = await probeRows(
        ds,
        probes.flatMap((p) => (p.batchId ? [p.batchId] : [])),
        Object.values(ruleFor).map((r) => r.id),
      );
      const db = {
        alerts: 0,
        deliveries: 0,
        delivered: 0,
        notDelivered: [] as string[],
        inbox: 0,
        retried: 0,
        attemptRowsMismatch: 0,
        routingMismatch: [] as string[],
        missingAlert: 0,
      };
      for (const p of measured) {
        const row = p.batchId ? rows.get(p.batchId) : undefined;
        if (!row?.alertId) {
          db.missingAlert++;
          continue;
        }
        db.alerts++;
        const got = row.deliveries.map((d) => d.department).sort();
        if (got.join(',') !== [...p.expected].sort().join(','))
          db.routingMismatch.push(`probe ${p.n}: expected ${p.expected.join(' ')}, stored ${got.join(' ')}`);
        for (const d of row.deliveries) {
          db.deliveries++;
          if (d.channel !== 'webhook') db.inbox++;
          if (d.status === 'delivered') db.delivered++;
          else db.notDelivered.push(`alert ${row.alertId} → ${d.department}: ${d.status}`);
          if (d.attempts > 1) db.retried++;
          if (d.attemptRows !== d.attempts) db.attemptRowsMismatch++;
        }
      }
      const [{ n: otherAlerts }] = await ds.query(
        `SELECT count(*)::int AS n FROM alert WHERE NOT (rule_id = ANY($1::text[]))`,
        [Object.values(ruleFor).map((r) => r.id)],
      );
      const alertsByRule: { ruleId: string; n: number }[] = await ds.query(
        `SELECT rule_id AS "ruleId", count(*)::int AS n FROM alert GROUP BY rule_id ORDER BY n DESC`,
      );
      const [applied] = await ds.query(
        `SELECT (SELECT count(*)::int FROM record WHERE created_at >= to_timestamp($1 / 1000.0)) AS records,
              (SELECT count(*)::int FROM score WHERE computed_at >= to_timestamp($1 / 1000.0)) AS scores`,
        [runStart],
      );
      const [{ n: allDead }] = await ds.query(
        `SELECT count(*)::int AS n FROM delivery WHERE channel = 'webhook' AND status IN ('dead', 'failed', 'pending')`,
      );

      // --- where the time goes: the last department of each timed probe, hop by hop ---
      const ingest = await jobTimes(
        env.REDIS_URL,
        prefix,
        QueueName.Ingest,
        timed.map((p) => `ingest-${p.batchId}`),
      );
      const evaluate = await jobTimes(
        env.REDIS_URL,
        prefix,
        QueueName.Rules,
        timed.map((p) => `evaluate-${p.batchId}`),
      );
      // The background's own jobs (no rule fires on them): how long a worker spends on each batch.
      const bgIngest = await jobTimes(
        env.REDIS_URL,
        prefix,
        QueueName.Ingest,
        background.batchIds.map((id) => `ingest-${id}`),
      );
      const bgEvaluate = await jobTimes(
        env.REDIS_URL,
        prefix,
        QueueName.Rules,
        background.batchIds.map((id) => `evaluate-${id}`),
      );
      const took = (m: Map<string, { processedOn?: number; finishedOn?: number }>) =>
        stats([...m.values()].map((j) => (j.finishedOn ?? NaN) - (j.processedOn ?? NaN)));
      const bgIngestMs = took(bgIngest);
      const bgEvaluateMs = took(bgEvaluate);
      const hops = new Map<Hop, number[]>(HOPS.map(([h]) => [h, []]));
      const perProbe: { n: number; latency: number; last: string; hops: Partial<Record<Hop, number>> }[] = [];
      for (const p of timed) {
        const last = [...p.received.values()]
          .filter((r) => p.expected.includes(r.department))
          .sort((a, b) => b.at - a.at)[0];
        const row = rows.get(p.batchId as string);
        const dRow = row?.deliveries.find((d) => d.department === last.department);
        const ij = ingest.get(`ingest-${p.batchId}`);
        const ej = evaluate.get(`evaluate-${p.batchId}`);
        const jobId = dRow ? `deliver-${dRow.id}-${dRow.attempts}` : '';
        const h = hopTimes([
          p.t202,
          ij?.processedOn,
          ej?.added,
          ej?.processedOn,
          row?.alertCreated,
          deliveryJobs.added.get(jobId),
          deliveryJobs.active.get(jobId),
          dRow?.attemptStarted,
          last.at,
        ]);
        for (const [k, v] of Object.entries(h)) hops.get(k as Hop)?.push(v);
        perProbe.push({ n: p.n, latency: latency(p), last: last.department, hops: h });
      }
      const hopStats = Object.fromEntries(HOPS.map(([h]) => [h, stats(hops.get(h) ?? [])])) as Record<
        Hop,
        Stats
      >;

      // --- report ---
      const achieved = background.achievedRate();
      const bgPost = stats(background.postMs);
      const probePost = stats(probes.flatMap((p) => (p.postMs !== undefined ? [p.postMs] : [])));
      const busyCores = (m1.busy - m0.busy) / runSec;
      const loadAtEnd = machineLoad();
      const workerPeakRssMb = peakRss.slice(0, pids.length);
      const apiPeakRssMb = peakRss[pids.length];
      console.log(
        `background: ${background.accepted} records in ${background.posts} POSTs over ${background.elapsedSec().toFixed(1)} s = ` +
          `${Math.round(achieved)} records/s (target ${rate}); POST → 202 p50 ${fmt(bgPost.p50)} / p99 ${fmt(bgPost.p99)} / max ${fmt(bgPost.max)} ms` +
          (background.errors.length
            ? `; ${background.errors.length} errors, first: ${background.errors[0]}`
            : ''),
      );
      console.log(
        `probes: ${measured.length} timed (+${probes.length - measured.length} warm-up), ${probeErrors.length} failed POSTs; ` +
          `probe POST → 202 p50 ${fmt(probePost.p50)} / p99 ${fmt(probePost.p99)} ms; ${expectedPairs} routed deliveries ` +
          `(${(expectedPairs / Math.max(1, measured.length)).toFixed(1)} departments per alert)`,
      );
      console.log(
        `202 → every routed department's receiver has it (${lat.n} alerts): p50 ${fmt(lat.p50)} ms, p95 ${fmt(lat.p95)} ms, ` +
          `p99 ${fmt(lat.p99)} ms, max ${fmt(lat.max)} ms, mean ${fmt(lat.mean)} ms — target p99 < 1000 ms: ` +
          `${lat.p99 < 1000 ? 'met' : 'MISSED'}`,
      );
      console.log(
        `receivers: ${fleet.requests} requests, ${fleet.first.size} distinct keys; duplicates ${duplicates} ` +
          `(same key again ${fleet.duplicates()}, same probe and department under another key ${probeCrossDuplicates}); ` +
          `lost ${lostPairs.length}${lostPairs.length ? ` (${lostPairs.slice(0, 5).join(', ')}…)` : ''}; ` +
          `signature failures ${fleet.signatureFailures}; malformed ${fleet.malformed}; misdirected ${fleet.misdirected}; ` +
          `unexpected departments ${unexpectedDepartments}${unexpectedList.length ? ` (${unexpectedList.slice(0, 5).join(', ')})` : ''}`,
      );
      console.log(
        `alerts in the database by rule: ${alertsByRule.map((r) => `${r.ruleId} ${r.n}`).join(', ')} (${otherAlerts} not from probes); ` +
          `webhook receipts of those others: ${[...otherByRule].map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}`,
      );
      console.log(
        `PostgreSQL: ${db.alerts} probe alerts (${db.missingAlert} missing), ${db.deliveries} deliveries, ${db.delivered} delivered, ` +
          `${db.inbox} to the inbox, ${db.retried} needed a retry, ${db.attemptRowsMismatch} with attempts ≠ attempt rows, ` +
          `${db.routingMismatch.length} routed otherwise than expected; webhook deliveries of any alert still pending, failed or dead: ${allDead}` +
          (db.notDelivered.length ? `; e.g. ${db.notDelivered.slice(0, 3).join('; ')}` : '') +
          (db.routingMismatch.length ? `; e.g. ${db.routingMismatch[0]}` : ''),
      );
      console.log(
        `workers: ${applied.records} records inserted and ${applied.scores} scores stored since the run began; ` +
          `queues when the load stopped (waiting + active + delayed): ${Object.entries(backlog)
            .map(([q, n]) => `${q} ${n}`)
            .join(', ')}`,
      );
      console.log(
        `a background batch of ${Math.round(background.accepted / Math.max(1, background.posts))} records in the worker: ` +
          `ingest job p50 ${fmt(bgIngestMs.p50)} / p99 ${fmt(bgIngestMs.p99)} ms, rules job (no rule fires) ` +
          `p50 ${fmt(bgEvaluateMs.p50)} / p99 ${fmt(bgEvaluateMs.p99)} ms (${bgEvaluateMs.n} of ${background.batchIds.length} jobs still in Redis)`,
      );
      console.log(
        `where the time goes, the last department of each alert (ms: p50 / p95 / p99 / max, mean):`,
      );
      for (const [h, label] of HOPS) {
        const s = hopStats[h];
        console.log(
          `  ${label.padEnd(66)} ${fmt(s.p50).padStart(6)} / ${fmt(s.p95).padStart(6)} / ${fmt(s.p99).padStart(6)} / ${fmt(s.max).padStart(6)}, mean ${fmt(s.mean)}`,
        );
      }
      const slowest = [...perProbe].sort((a, b) => b.latency - a.latency).slice(0, 3);
      for (const s of slowest)
        console.log(
          `  slow: probe ${s.n} ${Math.round(s.latency)} ms (last ${s.last}): ` +
            HOPS.map(([h]) => `${h} ${fmt(s.hops[h] ?? NaN)}`).join(', '),
        );
      console.log(
        `processes: worker CPU ${workerCpu.join(' + ')} s, api CPU ${apiCpu} s over ${runSec.toFixed(1)} s; machine busy ` +
          `${busyCores.toFixed(2)} cores; peak RSS worker ${workerPeakRssMb.join(' / ')} MB, api ${apiPeakRssMb} MB; ` +
          `this process's event-loop delay p99 ${fmt(loop.percentile(99) / 1e6)} ms, max ${fmt(loop.max / 1e6)} ms`,
      );
      console.log(
        `machine: at start ${loadAtStart}; at the end of the run ${loadAtRunEnd}; at end ${loadAtEnd}`,
      );
      const failed = [
        duplicates ? `${duplicates} duplicates` : '',
        lostPairs.length ? `${lostPairs.length} lost` : '',
        fleet.signatureFailures ? `${fleet.signatureFailures} signature failures` : '',
        probeErrors.length ? `${probeErrors.length} probe POSTs failed (${probeErrors[0].error})` : '',
        background.errors.length ? `${background.errors.length} background POSTs failed` : '',
      ].filter(Boolean);
      if (failed.length) {
        console.log(`FAILED: ${failed.join(', ')}`);
      }
      printJsonLine({
        bench: 'alerts',
        seconds,
        warmupSeconds: warmup,
        workers: workerCount,
        backgroundRate: rate,
        achievedRate: Math.round(achieved),
        probeIntervalMs,
        probes: measured.length,
        alerts: db.alerts,
        deliveries: expectedPairs,
        departmentsPerAlert: round1(expectedPairs / Math.max(1, measured.length)),
        p50Ms: ms0(lat.p50),
        p95Ms: ms0(lat.p95),
        p99Ms: ms0(lat.p99),
        maxMs: ms0(lat.max),
        meanMs: ms0(lat.mean),
        duplicates,
        lost: lostPairs.length,
        signatureFailures: fleet.signatureFailures,
        probeErrors: probeErrors.length,
        backgroundErrors: background.errors.length,
        db: {
          delivered: db.delivered,
          deliveries: db.deliveries,
          retried: db.retried,
          inbox: db.inbox,
          routingMismatch: db.routingMismatch.length,
          missingAlerts: db.missingAlert,
          otherAlerts,
          webhookNotDelivered: allDead,
        },
        hopsMs: Object.fromEntries(
          HOPS.map(([h]) => [
            h,
            { p50: ms0(hopStats[h].p50), p99: ms0(hopStats[h].p99), mean: ms0(hopStats[h].mean) },
          ]),
        ),
        backlogAtStop: backlog,
        backgroundJobMs: {
          ingestP50: ms0(bgIngestMs.p50),
          ingestP99: ms0(bgIngestMs.p99),
          rulesP50: ms0(bgEvaluateMs.p50),
          rulesP99: ms0(bgEvaluateMs.p99),
        },
        backgroundPostP99Ms: ms0(bgPost.p99),
        probePostP99Ms: ms0(probePost.p99),
        workerCpuSec: workerCpu,
        apiCpuSec: apiCpu,
        machineBusyCores: Math.round(busyCores * 100) / 100,
        workerPeakRssMb,
        apiPeakRssMb,
        benchLoopDelayP99Ms: ms0(loop.percentile(99) / 1e6),
        loadAtStart,
        loadAtEnd,
      });
      return failed.length ? 1 : 0;
    });
  } finally {
    await deliveryJobs?.close().catch(() => undefined);
    await fleet.close();
  }
}

function findRule(rules: RuleDefinition[], id: string): RuleDefinition {
  const r = rules.find((x) => x.id === id);
  if (!r) throw new Error(`config/rules has no rule ${id}`);
  if (r.trigger.type !== 'record') throw new Error(`rule ${id} is no longer record-triggered`);
  return r;
}

const fmt = (x: number) => (Number.isFinite(x) ? String(Math.round(x)) : '–');

async function queueBacklog(redisUrl: string, prefix: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of ALL_QUEUES) {
    const q = new Queue(name, { connection: { url: redisUrl }, prefix });
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    out[name] = Object.values(c).reduce((a, b) => a + b, 0);
    await q.close();
  }
  return out;
}
