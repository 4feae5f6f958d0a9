import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { z } from 'zod';
import type { Role } from '@lianjian/access';
import { freePort, parseEnv, startApp, type AppProcess } from '@lianjian/common';
import { createTestUser, type TestUser } from './auth';
import { insertDepartments, eventually, XIHU_DEPARTMENTS, type DepartmentFixture } from './fixtures';
import { createTestDatabase, testEnv, type TestDatabase } from './test-database';

// One stack per test file: a database cloned from the template, its departments and signed-in users,
// a queue prefix of its own, and the apps under test, each built from a configuration object of its
// own (the global process.env is neither read nor written). Apps come as arguments (each app's
// bootstrap.ts exports its definition): a lib never imports an app.

// An app as the stack starts it: variables validated by envSchema, the result given to create.
export interface AppDefinition<C, A extends INestApplicationContext> {
  envSchema: z.ZodType<C>;
  create(config: C): Promise<A>;
}

export type TestUserOptions = Parameters<typeof createTestUser>[1];

export interface StackOptions<U extends string, CA, CW> {
  // Inserted first (default: Xihu's jurisdiction); false for none.
  departments?: DepartmentFixture[] | false;
  // Signed-in users by the name the test calls them: a role, or the options of createTestUser.
  users?: Record<U, Role | TestUserOptions>;
  // Variables for every app of the stack, over testEnv's (database, Redis, queue prefix, log level).
  env?: Record<string, string>;
  // Rows the apps must find when they start (a seed, a rule that alerts reference).
  prepare?(db: TestDatabase): Promise<unknown>;
  // Started in process, the api listening on a free port of 127.0.0.1 (see Stack.url), then the worker.
  api?: AppDefinition<CA, INestApplication>;
  worker?: AppDefinition<CW, INestApplicationContext>;
  // The worker's WORKER_QUEUES (default: every queue).
  queues?: string;
}

export interface Stack<U extends string = string> {
  readonly db: TestDatabase;
  // The variables every app of the stack is given (start and spawn add theirs over them).
  readonly env: Record<string, string>;
  readonly users: Record<U, TestUser>;
  // The in-process apps; reading one the stack was not asked for throws.
  readonly api: INestApplication;
  readonly worker: INestApplicationContext;
  // The api's base URL (http://127.0.0.1:port), in process or spawned.
  readonly url: string;
  // Another app on the stack's database and queues; the caller closes it.
  start<C, A extends INestApplicationContext>(
    app: AppDefinition<C, A>,
    env?: Record<string, string>,
  ): Promise<A>;
  // A built app (dist/) as its own process, stopped with the stack.
  spawn(entry: string, env?: Record<string, string>): AppProcess;
  // The built api as its own process on a free port, once its /health answers 200 (sets url).
  spawnApi(entry: string, env?: Record<string, string>): Promise<AppProcess>;
  // Closes the apps (last started first), stops the processes, drops the database.
  close(): Promise<void>;
}

export async function startStack<U extends string = never, CA = never, CW = never>(
  opts: StackOptions<U, CA, CW> = {},
): Promise<Stack<U>> {
  const db = await createTestDatabase();
  const env = testEnv(db, opts.env);
  const closers: (() => Promise<unknown>)[] = [];
  const processes: AppProcess[] = [];
  let api: INestApplication | undefined;
  let worker: INestApplicationContext | undefined;
  let url: string | undefined;

  const start = <C, A extends INestApplicationContext>(app: AppDefinition<C, A>, extra = {}) =>
    app.create(parseEnv(app.envSchema, { ...env, ...extra }));
  const spawn = (entry: string, extra = {}) => {
    const p = startApp(entry, { ...env, ...extra });
    processes.push(p);
    return p;
  };
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c();
    await Promise.all(processes.splice(0).map((p) => p.stop()));
    await db.drop();
  };

  try {
    if (opts.departments !== false) await insertDepartments(db.url, opts.departments ?? XIHU_DEPARTMENTS);
    const users = {} as Record<U, TestUser>;
    for (const [name, o] of Object.entries(opts.users ?? {}) as [U, Role | TestUserOptions][])
      users[name] = await createTestUser(db.url, {
        secretsKey: env.WEBHOOK_SECRETS_KEY,
        ...(typeof o === 'string' ? { role: o } : o),
      });
    await opts.prepare?.(db);
    if (opts.api) {
      const a = await start(opts.api);
      closers.push(() => a.close());
      await a.listen(0);
      api = a;
      url = await a.getUrl();
    }
    if (opts.worker) {
      const w = await start(opts.worker, opts.queues === undefined ? {} : { WORKER_QUEUES: opts.queues });
      closers.push(() => w.close());
      worker = w;
    }
    return {
      db,
      env,
      users,
      get api() {
        if (!api) throw new Error('this stack runs no api (startStack({ api }))');
        return api;
      },
      get worker() {
        if (!worker) throw new Error('this stack runs no worker (startStack({ worker }))');
        return worker;
      },
      get url() {
        if (url === undefined) throw new Error('this stack runs no api (startStack({ api }) or spawnApi)');
        return url;
      },
      start,
      spawn,
      async spawnApi(entry, extra = {}) {
        const port = await freePort();
        const p = spawn(entry, { ...extra, PORT: String(port) });
        const base = `http://127.0.0.1:${port}`;
        // A built api starts in 2-5 s; a CI machine busy with other suites has taken over 30 s.
        await eventually(
          async () =>
            (await fetch(`${base}/health`).catch(() => undefined))?.status === 200 ? true : undefined,
          90_000,
        );
        url = base;
        return p;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
