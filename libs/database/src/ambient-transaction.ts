import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner } from 'typeorm';
import { currentTransactionScope, runInTransactionScope, type TransactionScope } from '@lianjian/common';

// Request transactions (issue 13, finding 6): inside runInRequestTransaction every statement a
// repository runs through its DataSource (ds.query, ds.transaction, ds.createQueryRunner) goes to one
// connection and one transaction, opened at the first statement and committed or rolled back with
// the scope; a repository's own transaction becomes a savepoint of it. Repositories need no change:
// withAmbientTransactions routes their calls. Outside a scope nothing changes.

interface Held {
  readonly qr: QueryRunner;
  readonly ready: Promise<void>; // BEGIN sent
  lock: Promise<unknown>; // one nested transaction at a time on the shared connection
}

interface Raw {
  query: DataSource['query'];
  transaction: DataSource['transaction'];
  createQueryRunner: DataSource['createQueryRunner'];
}

const RAW = Symbol('lianjian:raw-data-source');
// Set while a nested transaction's callback runs: a transaction it starts needs no lock of its own.
const insideNested = new AsyncLocalStorage<true>();

type Routed = DataSource & { [RAW]?: Raw };

function held(ds: Routed, scope: TransactionScope | undefined): Held | undefined {
  if (!scope) return undefined;
  let h = scope.resources.get(ds) as Held | undefined;
  if (!h) {
    const qr = ds[RAW]!.createQueryRunner('master');
    h = { qr, ready: qr.startTransaction(), lock: Promise.resolve() };
    // A failed BEGIN is reported by the statement that awaited it (and by the settle).
    h.ready.catch(() => undefined);
    scope.resources.set(ds, h);
  }
  return h;
}

// The shared query runner as a caller that created its own sees it: release() leaves it open for
// the scope, everything else waits for the scope's BEGIN.
function borrowed(h: Held): QueryRunner {
  return new Proxy(h.qr, {
    get(target, key) {
      if (key === 'release') return async () => undefined;
      const v = Reflect.get(target, key, target) as unknown;
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        await h.ready;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export function withAmbientTransactions<D extends DataSource>(dataSource: D): D {
  const ds = dataSource as Routed;
  if (ds[RAW]) return dataSource;
  const raw: Raw = {
    query: ds.query.bind(ds),
    transaction: ds.transaction.bind(ds) as DataSource['transaction'],
    createQueryRunner: ds.createQueryRunner.bind(ds),
  };
  ds[RAW] = raw;
  ds.query = (async (query: string, parameters?: unknown[], queryRunner?: QueryRunner) => {
    const scope = queryRunner ? undefined : currentTransactionScope();
    // Until the scope has written, a plain read runs on the pool: under READ COMMITTED each statement
    // sees a fresh snapshot anyway, and no connection is held while a handler reads and waits (an
    // upload checks its sender, then streams for minutes, then writes).
    if (scope && !scope.resources.has(ds) && isPlainRead(query)) {
      // (DataSource.query would ask ds.createQueryRunner, which the scope routes: a runner of its own.)
      const own = raw.createQueryRunner();
      try {
        return await own.query(query, parameters);
      } finally {
        await own.release();
      }
    }
    const h = held(ds, scope);
    if (!h) return raw.query(query, parameters, queryRunner);
    await h.ready;
    return h.qr.query(query, parameters);
  }) as DataSource['query'];
  ds.transaction = (async (...args: unknown[]) => {
    const h = held(ds, currentTransactionScope());
    if (!h) return (raw.transaction as (...a: unknown[]) => Promise<unknown>)(...args);
    await h.ready;
    const fn = args.find((a) => typeof a === 'function') as (em: unknown) => Promise<unknown>;
    const nested = () => h.qr.manager.transaction((em) => insideNested.run(true, () => fn(em)));
    if (insideNested.getStore()) return nested();
    const run = h.lock.then(nested, nested);
    h.lock = run.catch(() => undefined);
    return run;
  }) as DataSource['transaction'];
  ds.createQueryRunner = ((mode?: 'master' | 'slave') => {
    const h = held(ds, currentTransactionScope());
    return h ? borrowed(h) : raw.createQueryRunner(mode);
  }) as DataSource['createQueryRunner'];
  return dataSource;
}

// A SELECT that neither locks, nor writes, nor calls a function known to have effects. Anything else
// (and anything in doubt) opens the scope's transaction.
const EFFECTS =
  /\b(FOR\s+(UPDATE|SHARE|NO\s+KEY|KEY)|INSERT|UPDATE|DELETE|MERGE|INTO|pg_advisory\w*|pg_try_advisory\w*|nextval|setval|set_config|txid_current\w*|pg_current_xact_id\w*|pg_notify|lo_\w+)\b/i;
export function isPlainRead(sql: string): boolean {
  return /^\s*SELECT\b/i.test(sql) && !EFFECTS.test(sql);
}

async function settle(scope: TransactionScope, commit: boolean): Promise<void> {
  let failure: unknown;
  for (const value of scope.resources.values()) {
    const h = value as Held;
    if (!h?.qr) continue;
    try {
      await h.ready;
      await h.lock;
      if (commit && failure === undefined) await h.qr.commitTransaction();
      else await h.qr.rollbackTransaction();
    } catch (e) {
      failure ??= e;
      if (h.qr.isTransactionActive) await h.qr.rollbackTransaction().catch(() => undefined);
    } finally {
      await h.qr.release();
    }
  }
  if (commit && failure !== undefined) throw failure;
}

// Runs `work` in one transaction: what it writes through any routed DataSource commits together,
// or nothing does when it throws (or the commit fails); side effects deferred with afterCommit run
// after the commit. Within a scope already open, `work` joins it.
export function runInRequestTransaction<T>(work: () => Promise<T>): Promise<T> {
  if (currentTransactionScope()) return work();
  return runInTransactionScope(work, settle);
}
