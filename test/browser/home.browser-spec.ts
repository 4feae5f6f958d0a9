import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { todayInShanghai } from '@lianjian/common';
import { createDataSource } from '@lianjian/database';
import { seedProvince } from '@lianjian/seed';
import { eventually, json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import { Journey, launchChromium } from './browser';
import { submitSignIn } from './journeys';

// 工作台 (home) in a real browser (issue 14): a synthetic province (npm run seed's generator) scored by
// two full runs through the worker, the second with another scoring model so that entities move
// class; staff of a county, staff of a city, an officer of a county and a national administrator
// each see their jurisdiction's numbers, which must be the database's. Screenshots in
// tmp/screenshots/home/, axe on every screen.
const SPEC = 'home';
jest.setTimeout(300_000);
const HOME = /\/console\/?$/;
const CLASSES = ['A', 'B', 'C', 'D'] as const;

type Counts = Record<(typeof CLASSES)[number], number>;

describe('home (工作台) in the browser', () => {
  let stack: Stack<'admin' | 'staffXihu' | 'staffCity' | 'officerXihu'>;
  let browser: Browser;
  let j: Journey;
  let lastRun: string;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({
        api: apiApp,
        worker: workerApp,
        queues: 'scoring',
        env: { FEED_CHECK_CRON: '' },
        users: {
          admin: 'admin',
          staffXihu: { role: 'supervision_staff', departmentCode: '330106-SAMR', regionCode: '330106' },
          staffCity: { role: 'supervision_staff', departmentCode: '330100-SAMR', regionCode: '330100' },
          officerXihu: { role: 'department_officer', departmentCode: '330106-SAMR', regionCode: '330106' },
        },
        prepare: async (db) => {
          const ds = createDataSource(db.url, 4);
          await ds.initialize();
          try {
            await seedProvince(ds, { entities: 1500, seed: 14, end: todayInShanghai(), years: 2 });
          } finally {
            await ds.destroy();
          }
        },
      }),
      launchChromium(),
    ]);
    const admin = stack.users.admin.headers;
    const run = async () => {
      const started = await fetch(`${stack.url}/api/v1/score-runs`, { method: 'POST', headers: admin });
      expect(started.status).toBe(202);
      const { runId } = (await json(started)) as { runId: string };
      await eventually(
        async () => {
          const res = await fetch(`${stack.url}/api/v1/score-runs/${runId}`, { headers: admin });
          return res.status === 200 && (await json(res)).status === 'done' ? true : undefined;
        },
        180_000,
        250,
      );
      return runId;
    };
    await run();
    // Another model from the next run on: entities move class.
    const activated = await fetch(`${stack.url}/api/v1/scoring-models/scorecard-synthetic-fit-1/activate`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ reason: 'home journey: a second run that moves entities' }),
    });
    expect(activated.status).toBe(200);
    lastRun = await run();

    // One open alert about a Xihu entity delivered to Xihu's regulator an hour ago, not acknowledged.
    const [entity] = await sql<{ id: string }>(
      stack.db.url,
      `SELECT entity_id::text AS id FROM entity_risk WHERE region_code = '330106' ORDER BY score DESC LIMIT 1`,
    );
    await sql(
      stack.db.url,
      `INSERT INTO rule (id, version, status, definition, definition_hash, created_by, published_by, published_at)
       VALUES ('home-journey', 1, 'published', '{}', 'x', 'author', 'publisher', now())`,
    );
    const [{ id: alertId }] = await sql<{ id: string }>(
      stack.db.url,
      `INSERT INTO alert (alert_key, rule_id, rule_version, entity_id, finding_type, severity, title, explanation)
       VALUES ('home-journey-1', 'home-journey', 1, $1, 'repeat_penalties', 'high',
               '{"zh":"多部门重复处罚","en":"Penalties from several departments"}', '{}') RETURNING id::text`,
      [entity.id],
    );
    await sql(
      stack.db.url,
      `INSERT INTO delivery (alert_id, department_code, channel, status, level, reason, delivered_at, created_at)
       VALUES ($1, '330106-SAMR', 'inbox', 'delivered', 'county', '{}', now() - interval '1 hour', now() - interval '1 hour')`,
      [alertId],
    );
    // A joint case about it whose Xihu regulator's task was due yesterday, and Xihu's canonical
    // inspections feed silent for ten days (stalled).
    const [{ id: caseId }] = await sql<{ id: string }>(
      stack.db.url,
      `INSERT INTO enforcement_case (case_type, entity_id, title, state, lead_department, departments, origin,
                                     opened_by, due_at)
       VALUES ('default', $1, '西湖区多部门处罚联合核查', 'dispatched', '330106-SAMR', '{330106-SAMR}', 'manual',
               'coordinator', now()) RETURNING id::text`,
      [entity.id],
    );
    await sql(
      stack.db.url,
      `INSERT INTO case_task (case_id, round, department_code, due_at) VALUES ($1, 1, '330106-SAMR', now() - interval '1 day')`,
      [caseId],
    );
    await sql(
      stack.db.url,
      `INSERT INTO ingest_batch (id, source, origin, status, received, accepted, rejected, created_at, finished_at)
       VALUES (gen_random_uuid(), 'lianjian-canonical-inspections', 'api', 'done', 5, 5, 0,
               now() - interval '10 days', now() - interval '10 days')`,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  afterEach(async () => {
    await j?.close();
  });

  // What the database says of a jurisdiction (a region-code prefix, '' = national).
  async function expected(prefix: string) {
    const rows = await sql<{ c: string; n: number }>(
      stack.db.url,
      `SELECT risk_class AS c, count(*)::int AS n FROM entity_risk WHERE region_code LIKE $1 || '%' GROUP BY 1`,
      [prefix],
    );
    const current = Object.fromEntries(CLASSES.map((c) => [c, 0])) as Counts;
    for (const r of rows) current[r.c as keyof Counts] = r.n;
    const moves = await sql<{ from: string; to: string; n: number }>(
      stack.db.url,
      `SELECT s.previous_class AS "from", s.risk_class AS "to", count(*)::int AS n
         FROM score s JOIN entity e ON e.id = s.entity_id
        WHERE s.run_id = $1 AND s.previous_class IS NOT NULL AND s.previous_class <> s.risk_class
          AND e.region_code LIKE $2 || '%' GROUP BY 1, 2`,
      [lastRun, prefix],
    );
    const change = Object.fromEntries(CLASSES.map((c) => [c, 0])) as Counts;
    for (const m of moves) {
      change[m.from as keyof Counts] -= m.n;
      change[m.to as keyof Counts] += m.n;
    }
    const moved = moves.reduce((s, m) => s + m.n, 0);
    return { current, change, moved, total: CLASSES.reduce((s, c) => s + current[c], 0) };
  }

  const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0');

  async function signIn(user: TestUser) {
    j = await Journey.start(browser, SPEC, user.username);
    const page = j.page;
    await page.goto(`${stack.url}/console/`);
    await submitSignIn(page, user, { withCode: user.role === 'admin' });
    await page.waitForURL(HOME);
    await page.getByTestId('classes-total').waitFor();
    return page;
  }

  // The class tiles show the database's counts and the last run's change.
  async function checkClasses(page: Page, prefix: string) {
    const want = await expected(prefix);
    for (const c of CLASSES) {
      const tile = page.getByTestId(`class-${c}`);
      expect(await tile.getByTestId('count').innerText()).toBe(String(want.current[c]));
      expect(await tile.getByTestId('change').innerText()).toContain(signed(want.change[c]));
    }
    expect(await page.getByTestId('classes-total').innerText()).toContain(String(want.total));
    return want;
  }

  async function moverRows(page: Page) {
    return page.getByTestId('movers').locator('tbody tr.ant-table-row').count();
  }

  it('county staff see their county: classes, change, movers, the county alone in the regions', async () => {
    const page = await signIn(stack.users.staffXihu);
    const want = await checkClasses(page, '330106');
    expect(want.total).toBeGreaterThan(0);
    expect(await page.getByTestId('home-jurisdiction').innerText()).toBe('西湖区');
    expect(await moverRows(page)).toBe(Math.min(10, want.moved));
    const regions = page.getByTestId('regions').locator('tbody tr.ant-table-row');
    expect(await regions.allInnerTexts()).toEqual([
      `西湖区\t${want.current.C}\t${want.current.D}\t${want.current.C + want.current.D}`,
    ]);
    // Staff are no officers: no deliveries to acknowledge.
    expect(await page.getByTestId('deliveries').count()).toBe(0);
    expect(await page.getByTestId('alerts-high').getByTestId('count').innerText()).toBe('1');
    await page.getByTestId('regions-chart').locator('canvas').waitFor();
    await j.screen('home-county');

    // A mover opens its profile.
    if (want.moved > 0) {
      await page.getByTestId('movers').locator('tbody tr.ant-table-row a').first().click();
      await page.waitForURL(/\/console\/entities\//);
      await page.goBack();
      await page.getByTestId('classes-total').waitFor();
    }
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    await page.getByText('Risk classes', { exact: true }).waitFor();
    await page.getByTestId('regions-chart').locator('canvas').waitFor();
    await j.screen('home-county');
    await j.assertClean();
  });

  it('city staff see ranked bars of their counties, as the database counts them', async () => {
    const page = await signIn(stack.users.staffCity);
    await checkClasses(page, '3301');
    const rows = await sql<{ code: string; c: number; d: number }>(
      stack.db.url,
      `SELECT region_code AS code, count(*) FILTER (WHERE risk_class = 'C')::int AS c,
              count(*) FILTER (WHERE risk_class = 'D')::int AS d
         FROM entity_risk WHERE region_code LIKE '3301%' AND risk_class IN ('C', 'D')
        GROUP BY 1 ORDER BY count(*) DESC, 1`,
    );
    const shown = await page.getByTestId('regions').locator('tbody tr.ant-table-row').allInnerTexts();
    expect(shown.length).toBe(Math.min(15, rows.length));
    expect(shown.map((t) => t.split('\t').slice(1).map(Number))).toEqual(
      rows.slice(0, 15).map((r) => [r.c, r.d, r.c + r.d]),
    );
    await page.getByTestId('regions-chart').locator('canvas').waitFor();
    await j.screen('home-city');
    await j.assertClean();
  });

  it("a county officer sees their department's delivery with its countdown", async () => {
    const page = await signIn(stack.users.officerXihu);
    await checkClasses(page, '330106');
    expect(await page.getByTestId('deliveries-total').innerText()).toContain('1');
    // High: 24 hours from when it was routed, an hour ago.
    expect(await page.getByTestId('countdown').first().innerText()).toMatch(/^剩余 2[23] 小时/);
    expect(await page.getByTestId('tasks-total').innerText()).toBe('共 1 项逾期');
    await page.getByTestId('tasks').getByText('西湖区多部门处罚联合核查').waitFor();
    await page.getByTestId('feed-lianjian-canonical-inspections').getByText('中断').waitFor();
    await page.getByTestId('regions-chart').locator('canvas').waitFor();
    await j.screen('home-officer');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Deliveries to acknowledge', { exact: true }).waitFor();
    expect(await page.getByTestId('countdown').first().innerText()).toMatch(/^2[23] h \d+ min left/);
    await j.screen('home-officer');
    await j.assertClean();
  });

  it('a national administrator sees every entity, by city of the one province seeded', async () => {
    const page = await signIn(stack.users.admin);
    const want = await checkClasses(page, '');
    expect(await page.getByTestId('home-jurisdiction').innerText()).toBe('全国');
    expect(await moverRows(page)).toBe(Math.min(10, want.moved));
    // One province: its cities, as the database counts them.
    const cities = await sql<{ c: number; d: number }>(
      stack.db.url,
      `SELECT count(*) FILTER (WHERE risk_class = 'C')::int AS c, count(*) FILTER (WHERE risk_class = 'D')::int AS d
         FROM entity_risk WHERE risk_class IN ('C', 'D') GROUP BY left(region_code, 4)
        ORDER BY count(*) DESC, left(region_code, 4)`,
    );
    expect(await page.getByText('按地市', { exact: true }).count()).toBe(1);
    const shown = await page.getByTestId('regions').locator('tbody tr.ant-table-row').allInnerTexts();
    expect(shown.map((t) => t.split('\t').slice(1).map(Number))).toEqual(
      cities.slice(0, 15).map((r) => [r.c, r.d, r.c + r.d]),
    );
    await page.getByTestId('regions-chart').locator('canvas').waitFor();
    await j.screen('home-national');
    await j.assertClean();
  });
});
