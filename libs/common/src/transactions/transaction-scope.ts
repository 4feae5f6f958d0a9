import { AsyncLocalStorage } from 'node:async_hooks';

// A unit of work that commits or rolls back as one (an API write and its audit entry): what runs in
// it shares one database transaction (the database lib keeps its connection in `resources`), and
// side effects outside the database (queue jobs) wait until it has committed, so a write that rolls
// back leaves nothing behind, in the database or in Redis.
export interface TransactionScope {
  readonly resources: Map<unknown, unknown>;
  readonly afterCommit: (() => Promise<unknown>)[];
}

const storage = new AsyncLocalStorage<TransactionScope>();

export function currentTransactionScope(): TransactionScope | undefined {
  return storage.getStore();
}

// Runs `work` in a new scope. `settle(scope, outcome)` commits or rolls back what the scope holds
// (the database lib's part); after a commit the deferred side effects run, in order, outside the
// scope; the first that fails fails the whole (the write stays committed: it is the caller's answer
// that says so).
export async function runInTransactionScope<T>(
  work: () => Promise<T>,
  settle: (scope: TransactionScope, commit: boolean) => Promise<void>,
): Promise<T> {
  const scope: TransactionScope = { resources: new Map(), afterCommit: [] };
  let result: T;
  try {
    result = await storage.run(scope, work);
  } catch (e) {
    await settle(scope, false);
    throw e;
  }
  await settle(scope, true);
  await storage.exit(async () => {
    for (const effect of scope.afterCommit.splice(0)) await effect();
  });
  return result;
}

// Runs `effect` once the current scope has committed (and not at all if it rolls back); at once
// outside a scope.
export async function afterCommit(effect: () => Promise<unknown>): Promise<void> {
  const scope = storage.getStore();
  if (scope) scope.afterCommit.push(effect);
  else await effect();
}

// Runs `work` outside any scope (its own connection and transaction), e.g. the audit chainer.
export function outsideTransactionScope<T>(work: () => T): T {
  return storage.exit(work);
}
