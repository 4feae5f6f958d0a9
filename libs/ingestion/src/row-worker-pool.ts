import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createRowSerializer, type FileRowChunk, type RowSerializerOptions } from './file-rows';
import type { RowEvent } from './files/read-model';
import { packEvents } from './packed-events';

// Mapping, validating and hashing rows is most of a file's CPU time in Node, and rows are
// independent: batches of rows go round-robin to worker threads and come back as COPY text in file
// order, while the main thread reads the next rows and feeds COPY. At most `threads × 2` batches are
// in flight, so memory stays flat however large the file.
//
// Worker threads need the compiled build (dist/); under the TypeScript test runner, or with
// threads = 0, the same serializer runs inline.

const OLD_GENERATION_MB = 128;

export interface SerializeOptions extends RowSerializerOptions {
  threads: number;
}

// The compiled worker entry beside this file, and the path-alias hook it needs first; null when not
// running from dist (tests run the TypeScript sources).
function workerEntry(): { entry: string; register: string } | null {
  if (typeof __dirname === 'undefined') return null;
  const entry = join(__dirname, 'row-worker.js');
  // dist/libs/ingestion/src → the repository root holds scripts/register-paths.js
  const register = join(__dirname, '..', '..', '..', '..', 'scripts', 'register-paths.js');
  return existsSync(entry) && existsSync(register) ? { entry, register } : null;
}

export async function* serializeRows(
  batches: AsyncIterable<RowEvent[]>,
  opts: SerializeOptions,
): AsyncGenerator<FileRowChunk> {
  const where = opts.threads > 0 ? workerEntry() : null;
  if (!where) {
    const serialize = createRowSerializer(opts);
    for await (const events of batches) yield serialize(events);
    return;
  }
  const { threads, ...data } = opts;
  const workers = Array.from(
    { length: threads },
    () =>
      new Worker(where.entry, {
        workerData: data,
        execArgv: [...process.execArgv, '--require', where.register],
        // A thread holds one batch of rows and bounded caches: cap its heap so that V8 collects
        // rather than grows (RSS otherwise creeps up on files of millions of rows).
        resourceLimits: { maxOldGenerationSizeMb: OLD_GENERATION_MB },
      }),
  );
  const pending = new Map<number, { resolve: (c: FileRowChunk) => void; reject: (e: Error) => void }>();
  let failure: Error | null = null;
  const fail = (e: Error) => {
    failure ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  for (const w of workers) {
    w.on('message', (m: { id: number; chunk?: FileRowChunk; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.chunk) p.resolve(m.chunk);
      else p.reject(new Error(`row worker: ${m.error}`));
    });
    w.on('error', (e) => fail(e));
    w.on('exit', (code) => {
      if (code !== 0) fail(new Error(`row worker exited with code ${code}`));
    });
  }
  const inFlight: Promise<FileRowChunk>[] = [];
  let next = 0;
  try {
    for await (const events of batches) {
      if (failure) throw failure;
      const id = next++;
      const done = new Promise<FileRowChunk>((resolve, reject) => pending.set(id, { resolve, reject }));
      // Rejections are handled when the chunk's turn comes; never leave one unobserved meanwhile.
      done.catch(() => undefined);
      workers[id % threads].postMessage({ id, packed: packEvents(events) });
      inFlight.push(done);
      while (inFlight.length >= threads * 2) yield await inFlight.shift()!;
    }
    while (inFlight.length) yield await inFlight.shift()!;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
