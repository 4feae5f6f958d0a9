import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { analyzeStale, BatchRepository, DepartmentRepository, type StagedItem } from '@lianjian/database';
import { toStagedItem } from '@lianjian/ingestion';
import { generateSyntheticProvince, type SyntheticRecord } from './synthetic-generator';
import type { CanonicalRecord } from '@lianjian/domain';

export interface SeedOptions {
  entities: number;
  seed: number;
  end: string;
  years?: number;
  // Records on or after this date are not loaded but returned, to be sent live through the API.
  holdBackFrom?: string;
  onProgress?: (entitiesDone: number, records: number) => void;
}

export interface SeedResult {
  departments: number;
  entities: number;
  records: number;
  heldBack: SyntheticRecord[];
  seconds: number;
  // The tables analyzed at the end of the load (their planner statistics were stale).
  analyzed: string[];
}

const FLUSH_AT = 100_000;
const PARALLEL_APPLY = 2;

// Loads a synthetic province through the ingestion path itself (COPY, then the same set-based apply as
// every batch), so seeded data is exactly what ingested data would be.
export async function seedProvince(ds: DataSource, opts: SeedOptions): Promise<SeedResult> {
  const t0 = Date.now();
  const gen = generateSyntheticProvince({
    entities: opts.entities,
    seed: opts.seed,
    end: opts.end,
    years: opts.years,
  });
  const departments = new DepartmentRepository(ds);
  await departments.upsertMany(
    gen.departments.map((d) => ({
      code: d.code,
      name: d.name,
      nameEn: d.nameEn,
      domains: d.domains,
      regionCode: d.regionCode,
      level: d.level,
    })),
  );
  const batches = new BatchRepository(ds);
  const buffers = new Map<string, StagedItem[]>();
  const heldBack: SyntheticRecord[] = [];
  let buffered = 0;
  let records = 0;
  let done = 0;
  let pending: Promise<void> = Promise.resolve();

  // Registration goes first (it creates the entities); the other sources then apply in parallel, one
  // lane per core, without waiting on each other's new entity rows.
  const flush = async () => {
    const queue = [...buffers].filter(([, items]) => items.length).sort((a, b) => b[1].length - a[1].length);
    buffers.clear();
    buffered = 0;
    const first = queue.findIndex(([source]) => source.endsWith('-registration'));
    if (first >= 0) {
      const [[source, items]] = queue.splice(first, 1);
      await batches.applyBulk({ id: randomUUID(), source, origin: 'seed' }, items, { analyze: false });
    }
    const lane = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [source, items] = next;
        await batches.applyBulk({ id: randomUUID(), source, origin: 'seed' }, items, { analyze: false });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_APPLY }, lane));
  };

  for (const entity of gen.entities()) {
    for (const { source, record } of entity.records) {
      if (opts.holdBackFrom && record.occurredAt >= opts.holdBackFrom) {
        heldBack.push({ source, record });
        continue;
      }
      let buf = buffers.get(source);
      if (!buf) buffers.set(source, (buf = []));
      buf.push(toStagedItem(buf.length, record as CanonicalRecord, record.occurredAt.slice(0, 10)));
      buffered++;
      records++;
    }
    done++;
    // Let the COPY and query I/O of the chunk being applied proceed while this one is generated.
    if (done % 500 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    if (buffered >= FLUSH_AT) {
      // Generate the next chunk while PostgreSQL applies this one.
      await pending;
      pending = flush();
      opts.onProgress?.(done, records);
    }
  }
  await pending;
  await flush();
  // The province is loaded: every table it wrote gets planner statistics now, once, rather than after
  // each of its batches (the first scoring run is planned on them; statistics.ts).
  const analyzed = await analyzeStale(ds);
  return {
    analyzed,
    departments: gen.departments.length,
    entities: opts.entities,
    records,
    heldBack,
    seconds: (Date.now() - t0) / 1000,
  };
}
