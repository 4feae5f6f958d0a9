import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { parseEnv, todayInShanghai } from '@lianjian/common';
import { seedProvince } from '@lianjian/seed';
import { type Args, printJsonLine, runCommand } from '../apps/cli/src/command';
import { createUser, harnessEnvSchema, NO_SCHEDULES, scoreAll, withScratch } from '../tools/harness';
import { machineLoad } from './proc';

// npm run bench:console [-- --entities N] [--reps R] [--seed S] [--keep] [--reuse DB] [--cpu-prof DIR]
//
// The staff console (监管工作台) as staff meet it, timed in Debian's Chromium (playwright-core,
// headless) against the built console served by one api process configured as for production, over
// a synthetic province of N entities (default 1,000,000) seeded and scored by a real full run:
//   firstLoad   a signed-in user opens the risk list (a fresh browser context each time: no cached
//               script of the list's chunk) until its rows are rendered;
//   filter      on the list, class C ticked or unticked, until the rows of the new filter are rendered
//               (C, not D: the list's top rows are all D, so D ticked would show the same first rows);
//   profile     a row opened until the profile's factor chart is drawn (ECharts' canvas in place).
// p50/p95 over R repetitions each (default 20). The baseline, in the same run: the API calls those
// screens make, from Node (GET /api/v1/risk-list for class C; the profile's two calls), so the
// console's own share shows as a ratio. And the JavaScript the browser loads for the first screen
// (sign-in), for the home screen after sign-in and for the risk list, gzipped. Targets: first screen
// ≤ 500 KB gzipped, filter p95 ≤ 300 ms, profile p95 ≤ 500 ms at 1M entities (the Playwright
// timings above, from before the click to the result seen). Beside them, inside the page: from the
// click event to the frame showing the result, split into the time before the first API request
// leaves, the API calls as the browser saw them, and the work after the last answer. Last line: JSON.
//
// --keep keeps the scratch database; --reuse DB measures a kept one again (no seeding, no scoring).
// --cpu-prof DIR writes the page's JavaScript CPU profile of the filter and of the profile repetitions
// (Chrome DevTools' .cpuprofile, through CDP) to DIR, to see where the browser's share goes.

const TARGETS = { firstScreenJsGzipKb: 500, filterP95Ms: 300, profileP95Ms: 500 };
const CHROMIUM = '/usr/bin/chromium';
const NO_RATE_LIMITS = { RATE_LIMIT_PER_CALLER: '0', RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_EXPENSIVE: '0' };
const ROWS = 'tbody tr[data-row-key]';

const OPTIONS = {
  entities: { type: 'integer', min: 1000 },
  reps: { type: 'integer', min: 1, max: 1000 },
  seed: 'number',
  keep: 'boolean',
  reuse: 'string',
  'cpu-prof': 'string',
} as const;

runCommand({
  name: 'bench:console',
  usage: '[--entities N] [--reps R] [--seed S] [--keep] [--reuse DB] [--cpu-prof DIR]',
  options: OPTIONS,
  run: bench,
});

const round1 = (x: number) => Math.round(x * 10) / 10;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return round1(s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN);
}

const summary = (xs: number[]) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95), n: xs.length });

async function bench(args: Args<typeof OPTIONS>): Promise<void> {
  const env = parseEnv(harnessEnvSchema, process.env);
  const reps = args.reps ?? 20;
  const dist = resolve('dist', 'console');
  try {
    readFileSync(join(dist, 'index.html'));
  } catch {
    throw new Error('the console is not built (dist/console/index.html is missing): npm run build');
  }
  try {
    readFileSync(CHROMIUM);
  } catch {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  }
  console.log(
    `bench:console — ${args.reuse ? `reusing database ${args.reuse}` : `${args.entities ?? 1_000_000} entities`}, ` +
      `${reps} repetitions; ${machineLoad()}`,
  );

  await withScratch(env, 'bench_console', { keep: args.keep, reuse: args.reuse }, async (scratch) => {
    const ds = await scratch.dataSource(2);
    if (!args.reuse) {
      const entities = args.entities ?? 1_000_000;
      const seeded = await seedProvince(ds, {
        entities,
        seed: args.seed ?? 42,
        end: todayInShanghai(),
        years: 5,
        onProgress: (n, r) => process.stderr.write(`  seeding: ${n} entities, ${r} records\r`),
      });
      console.log(`seeded ${entities} entities in ${seeded.seconds.toFixed(1)} s`);
      const sec = await scoreAll(scratch, ds, NO_RATE_LIMITS);
      console.log(`scored every entity (a full run through POST /api/v1/score-runs) in ${sec.toFixed(1)} s`);
    }
    if (args.reuse) {
      // A kept bench:score database ends with only the chunks its phase replay saved: score every
      // entity again, so the risk list is the whole province's.
      const [{ e, r }] = (await ds.query(
        `SELECT (SELECT count(*)::int FROM entity) AS e, (SELECT count(*)::int FROM entity_risk) AS r`,
      )) as { e: number; r: number }[];
      if (r < e) {
        const sec = await scoreAll(scratch, ds, NO_RATE_LIMITS);
        console.log(
          `the kept database had ${r} of ${e} entities scored: scored every entity in ${sec.toFixed(1)} s`,
        );
      }
    }
    const [{ n: scored }] = (await ds.query(`SELECT count(*)::int AS n FROM entity_risk`)) as { n: number }[];
    const [{ p: province }] = (await ds.query(
      `SELECT left(region_code, 2) AS p FROM entity_risk LIMIT 1`,
    )) as {
      p: string;
    }[];
    const staff = await createUser(ds, `bench-console-${Date.now().toString(36)}`, {
      role: 'supervision_staff',
      regionCode: `${province}0000`,
    });
    const { base } = await scratch.startApi({ ...NO_SCHEDULES, ...NO_RATE_LIMITS });
    console.log(`${scored} scored entities; the api (production settings, rate limits off) on ${base}`);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      const signedIn = async (): Promise<{ context: BrowserContext; page: Page }> => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
        const res = await context.request.post(`${base}/api/v1/auth/session`, {
          data: { username: staff.username, password: staff.password },
        });
        if (res.status() !== 200) throw new Error(`sign-in answered ${res.status()}: ${await res.text()}`);
        return { context, page: await context.newPage() };
      };

      // --- JavaScript per screen, gzipped (what the browser fetched, compressed as a server would) ---
      const js = await scriptsOf(browser, base, staff, dist);
      console.log(
        `JavaScript (gzipped): first screen (sign-in) ${js.firstScreenKb} KB, home after sign-in ${js.homeKb} KB, ` +
          `risk list ${js.riskListKb} KB, profile with its chart ${js.profileKb} KB`,
      );

      // --- baseline: the API calls of the screens, from Node ---
      const cookie = await sessionCookie(base, staff);
      const apiTime = async (path: string) => {
        const t = performance.now();
        const r = await fetch(`${base}${path}`, { headers: { cookie } });
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}`);
        return performance.now() - t;
      };
      const apiList: number[] = [];
      const apiFilter: number[] = [];
      const apiProfile: number[] = [];
      const top = (await (
        await fetch(`${base}/api/v1/risk-list?limit=50`, { headers: { cookie } })
      ).json()) as {
        items: { entity: { key: string } }[];
      };
      const keys = top.items.map((i) => i.entity.key);
      const topKey = keys[0] ?? '';
      for (let i = 0; i < reps; i++) {
        apiList.push(await apiTime('/api/v1/risk-list?limit=50'));
        apiFilter.push(await apiTime('/api/v1/risk-list?limit=50&class=C'));
        const key = encodeURIComponent(keys[i % keys.length]!);
        const t = performance.now();
        await Promise.all([
          apiTime(`/api/v1/entities/${key}`),
          apiTime(`/api/v1/entities/${key}/scores?limit=100`),
        ]);
        apiProfile.push(performance.now() - t);
      }

      // --- first load: a fresh signed-in context opens the risk list ---
      const firstLoad: number[] = [];
      for (let i = 0; i < reps; i++) {
        const { context, page } = await signedIn();
        const t = performance.now();
        await page.goto(`${base}/console/risk-list`);
        await page.locator(ROWS).first().waitFor();
        firstLoad.push(performance.now() - t);
        await context.close();
      }

      // --- filter and profile, in one signed-in page ---
      const { context, page } = await signedIn();
      await page.goto(`${base}/console/risk-list`);
      await page.locator(ROWS).first().waitFor();
      const profiler = await cpuProfiler(page, args['cpu-prof']);
      const filter: number[] = [];
      const d = page.locator('.ant-checkbox-group input[type="checkbox"][value="C"]');
      // The new filter's rows: every row class C when ticked; when unticked, the list's top entity (a
      // D) first. Neither holds for the rows shown before the click.
      const filterShown = (ticking: boolean) =>
        page.waitForFunction(
          ({ rowsSelector, ticking, topKey }) => {
            const doc = (globalThis as unknown as { document: DomLike }).document;
            const rows = [...doc.querySelectorAll(rowsSelector)];
            if (!rows.length || doc.querySelector('.ant-table .ant-spin-spinning')) return false;
            const shown = ticking
              ? rows.every((r) => /C/.test(r.querySelector('td:nth-child(6)')?.textContent ?? ''))
              : (rows[0]!.querySelector('td:nth-child(2)')?.textContent ?? '').trim() === topKey;
            return shown && (globalThis as unknown as { performance: { now(): number } }).performance.now();
          },
          { rowsSelector: ROWS, ticking, topKey },
          { polling: 'raf' },
        );
      const filterSplit: Split[] = [];
      await profiler.start();
      for (let i = 0; i < reps; i++) {
        const ticking = !(await d.isChecked());
        await markClick(page);
        const t = performance.now();
        await d.click();
        const doneAt = (await (await filterShown(ticking)).jsonValue()) as number;
        filter.push(performance.now() - t);
        filterSplit.push(await splitOf(page, doneAt, ['/api/v1/risk-list?']));
      }
      await profiler.stop('filter');
      // Back to the unfiltered list (the URL loses its query; the rows show it).
      if (await d.isChecked()) {
        await d.click();
        await filterShown(false);
      }

      const profile: number[] = [];
      await profiler.start();
      const profileSplit: Split[] = [];
      for (let i = 0; i < reps; i++) {
        const row = page.locator(ROWS).nth(i % 10);
        await row.waitFor();
        await markClick(page);
        const t = performance.now();
        await row.click();
        const drawn = await page.waitForFunction(
          () => {
            const doc = (globalThis as unknown as { document: DomLike }).document;
            const c = doc.querySelector('[role="img"] canvas') as (DomLike & { width?: number }) | null;
            const done = !!c && (c.width ?? 0) > 0 && !!doc.querySelector('[data-testid="factor-sum-check"]');
            return done && (globalThis as unknown as { performance: { now(): number } }).performance.now();
          },
          undefined,
          { polling: 'raf' },
        );
        profile.push(performance.now() - t);
        profileSplit.push(await splitOf(page, (await drawn.jsonValue()) as number, ['/api/v1/entities/']));
        await page.goBack();
        await page.locator(ROWS).first().waitFor();
      }
      await profiler.stop('profile');
      await context.close();

      const f = {
        firstLoad: summary(firstLoad),
        filter: summary(filter),
        profile: summary(profile),
        apiRiskList: summary(apiList),
        apiFilter: summary(apiFilter),
        apiProfile: summary(apiProfile),
      };
      for (const [name, s] of Object.entries(f))
        console.log(`${name.padEnd(12)} p50 ${s.p50} ms  p95 ${s.p95} ms  (n ${s.n})`);
      // Inside the page, from the click event to the frame that shows the result: before the first API
      // request leaves, the API calls as the browser saw them, and the work after the last answer.
      for (const [name, xs] of [
        ['filter', filterSplit],
        ['profile', profileSplit],
      ] as const) {
        const part = (k: keyof Split) => summary(xs.map((x) => x[k]));
        console.log(
          `${name} in the page (p50 / p95 ms): click→shown ${part('shown').p50} / ${part('shown').p95}; ` +
            `click→first request ${part('beforeRequest').p50} / ${part('beforeRequest').p95}; ` +
            `API calls ${part('requests').p50} / ${part('requests').p95}; ` +
            `last answer→shown ${part('afterResponse').p50} / ${part('afterResponse').p95}`,
        );
      }
      const meets = {
        firstScreenJs: js.firstScreenKb <= TARGETS.firstScreenJsGzipKb,
        filterP95: f.filter.p95 <= TARGETS.filterP95Ms,
        profileP95: f.profile.p95 <= TARGETS.profileP95Ms,
      };
      console.log(
        `targets: first screen ≤ ${TARGETS.firstScreenJsGzipKb} KB ${meets.firstScreenJs ? 'met' : 'NOT met'}, ` +
          `filter p95 ≤ ${TARGETS.filterP95Ms} ms ${meets.filterP95 ? 'met' : 'NOT met'}, ` +
          `profile p95 ≤ ${TARGETS.profileP95Ms} ms ${meets.profileP95 ? 'met' : 'NOT met'}; ${machineLoad()}`,
      );
      printJsonLine({
        bench: 'console',
        entities: scored,
        reps,
        firstLoadP50: f.firstLoad.p50,
        firstLoadP95: f.firstLoad.p95,
        filterP50: f.filter.p50,
        filterP95: f.filter.p95,
        profileChartP50: f.profile.p50,
        profileChartP95: f.profile.p95,
        apiFilterP95: f.apiFilter.p95,
        apiProfileP95: f.apiProfile.p95,
        filterToApiRatio: round1(f.filter.p95 / f.apiFilter.p95),
        profileToApiRatio: round1(f.profile.p95 / f.apiProfile.p95),
        firstScreenJsGzipKb: js.firstScreenKb,
        homeJsGzipKb: js.homeKb,
        riskListJsGzipKb: js.riskListKb,
        profileJsGzipKb: js.profileKb,
        meets,
      });
    } finally {
      await browser.close();
    }
  });
}

// Where a repetition's time went inside the page, from the click event (markClick) to the frame in
// which the result was seen (doneAt, the page's clock): the API calls are the resource timings of the
// requests whose URL contains one of the paths, started after the click.
interface Split {
  shown: number;
  beforeRequest: number;
  requests: number;
  afterResponse: number;
}

interface PageClock {
  performance: {
    now(): number;
    getEntriesByType(t: string): { name: string; startTime: number; responseEnd: number }[];
    clearResourceTimings(): void;
  };
  __benchClickAt?: number;
  document: { addEventListener(t: string, f: (e: { timeStamp: number }) => void, o: unknown): void };
}

async function markClick(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as PageClock;
    w.__benchClickAt = undefined;
    w.performance.clearResourceTimings(); // the buffer holds 250 entries; a long run would fill it
    w.document.addEventListener(
      'pointerdown',
      (e) => {
        w.__benchClickAt = e.timeStamp;
      },
      { capture: true, once: true },
    );
  });
}

async function splitOf(page: Page, doneAt: number, paths: string[]): Promise<Split> {
  const { clickAt, calls } = await page.evaluate((paths) => {
    const w = globalThis as unknown as PageClock;
    const clickAt = w.__benchClickAt ?? NaN;
    const calls = w.performance
      .getEntriesByType('resource')
      .filter((r) => r.startTime >= clickAt && paths.some((p) => r.name.includes(p)))
      .map((r) => ({ start: r.startTime, end: r.responseEnd }));
    return { clickAt, calls };
  }, paths);
  const first = Math.min(...calls.map((c) => c.start));
  const last = Math.max(...calls.map((c) => c.end));
  return {
    shown: doneAt - clickAt,
    beforeRequest: first - clickAt,
    requests: last - first,
    afterResponse: doneAt - last,
  };
}

// The page's CPU profiler (CDP Profiler domain), or one that does nothing without --cpu-prof.
async function cpuProfiler(page: Page, dir: string | undefined) {
  if (!dir) return { start: async () => undefined, stop: async (_name: string) => undefined };
  mkdirSync(dir, { recursive: true });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  return {
    start: async () => {
      await cdp.send('Profiler.start');
    },
    stop: async (name: string) => {
      const { profile } = await cdp.send('Profiler.stop');
      const file = join(dir, `${name}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      console.log(`CPU profile of the ${name} repetitions: ${file}`);
    },
  };
}

// The session cookie of a console sign-in, for the baseline's calls from Node.
async function sessionCookie(base: string, user: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

// The scripts the browser fetched for each screen, cumulative, gzipped from the built files.
async function scriptsOf(
  browser: Browser,
  base: string,
  user: { username: string; password: string },
  dist: string,
): Promise<{ firstScreenKb: number; homeKb: number; riskListKb: number; profileKb: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const seen = new Set<string>();
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/console/') && url.pathname.endsWith('.js')) seen.add(url.pathname);
  });
  const kb = () =>
    Math.round(
      [...seen].reduce(
        (n, p) => n + gzipSync(readFileSync(join(dist, p.slice('/console/'.length)))).length,
        0,
      ) / 1024,
    );
  await page.goto(`${base}/console/sign-in`);
  await page.locator('#username').waitFor();
  await page.waitForLoadState('networkidle');
  const firstScreenKb = kb();
  await page.locator('#username').fill(user.username);
  await page.locator('#password').fill(user.password);
  await page.locator('button[type="submit"]').click();
  await page.getByTestId('signed-in-as').waitFor();
  await page.waitForLoadState('networkidle');
  const homeKb = kb();
  await page.goto(`${base}/console/risk-list`);
  await page.locator(ROWS).first().waitFor();
  // What the list needed to show its rows: once idle, it also fetches the profile's chunks ahead.
  const riskListKb = kb();
  await page.locator(ROWS).first().click();
  await page.locator('[role="img"] canvas').first().waitFor();
  await page.waitForLoadState('networkidle');
  const profileKb = kb();
  await context.close();
  return { firstScreenKb, homeKb, riskListKb, profileKb };
}

// The little of the DOM the page functions use (the tools type-check without the DOM library). They
// are functions, not strings: Playwright evaluates a string with eval, which the console's CSP refuses.
interface DomLike {
  textContent?: string | null;
  querySelector(selector: string): DomLike | null;
  querySelectorAll(selector: string): Iterable<DomLike>;
}
