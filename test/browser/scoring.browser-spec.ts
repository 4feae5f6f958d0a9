import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { todayInShanghai } from '@lianjian/common';
import { createDataSource } from '@lianjian/database';
import { seedProvince } from '@lianjian/seed';
import { json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import { Journey, launchChromium } from './browser';
import { openSignedIn } from './journeys';

// 评分 in a real browser (issue 14): a system administrator (scoring:manage, signed in with their
// second factor) starts a full run from the screen over a synthetic province, is refused a second
// one while it runs (one at a time, the API's reason shown), watches its progress to the end and
// sees its class distribution, which must be the database's; then activates another scoring model
// with a reason (refused without one), and sees it marked active and in its activation history. A
// coordinator (scoring:read only) sees the runs and models but neither action, and the API refuses
// them with its reason. Last, the administrator runs scorecard-v1.1 in shadow (影子运行) and sees its
// class-flow matrix, the database's; the coordinator sees it counted within their county. Screens in
// Chinese and in English.
const SPEC = 'scoring';
const ENTITIES = 2500;
jest.setTimeout(400_000);
const REFUSED = /Failed to load resource: the server responded with a status of 409/;

describe('scoring in the browser', () => {
  let stack: Stack<'admin' | 'coordinator'>;
  let browser: Browser;
  const journeys: Journey[] = [];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({
        api: apiApp,
        worker: workerApp,
        queues: 'scoring',
        env: { FEED_CHECK_CRON: '' },
        users: {
          admin: { role: 'admin', username: 'zhao.min' },
          coordinator: { role: 'coordinator', regionCode: '330106', username: 'chen.jie' },
        },
        prepare: async (db) => {
          const ds = createDataSource(db.url, 4);
          await ds.initialize();
          try {
            await seedProvince(ds, { entities: ENTITIES, seed: 9, end: todayInShanghai(), years: 2 });
          } finally {
            await ds.destroy();
          }
        },
      }),
      launchChromium(),
    ]);
  }, 300_000);

  afterAll(async () => {
    for (const j of journeys) await j.close();
    await browser?.close();
    await stack?.close();
  });

  async function signedIn(test: string, user: TestUser, withCode: boolean): Promise<[Journey, Page]> {
    const j = await openSignedIn(browser, { spec: SPEC, test, base: stack.url }, user, '/scoring', {
      withCode,
      expected: REFUSED,
    });
    journeys.push(j);
    return [j, j.page];
  }

  const popconfirmOk = (page: Page) =>
    page
      .locator('.ant-popconfirm:visible')
      .getByRole('button', { name: /^(确\s?定|OK)$/ })
      .click();
  const english = (page: Page) => page.getByRole('button', { name: 'English' }).click();
  const chinese = (page: Page) => page.getByRole('button', { name: /^中\s?文$/ }).click();

  it('starts a full run, watches it to the end, then activates another model with a reason', async () => {
    const [j, page] = await signedIn('admin', stack.users.admin, true);
    await page.getByRole('heading', { name: '评分', exact: true }).waitFor();
    await page.getByText('暂无评分运行').waitFor();
    await j.screen('runs-empty');

    // Start; a second start while it is queued or running is refused with the API's reason.
    await page.getByRole('button', { name: '开始全量评分' }).click();
    await popconfirmOk(page);
    await page.getByTestId('run-pending').or(page.getByTestId('run-progress')).first().waitFor();
    await page.getByRole('button', { name: '开始全量评分' }).click();
    await popconfirmOk(page);
    const refusal = page.getByTestId('start-run').getByRole('alert');
    await refusal.getByText('与当前状态冲突').waitFor();
    await refusal.getByText(/已有全量评分正在(排队|进行)，请等待其完成/).waitFor();

    // Its progress while it runs (scored of the total), polled to the end.
    const progress = page.getByTestId('run-progress');
    await progress.waitFor();
    if ((await progress.getAttribute('data-status')) === 'running') {
      await page.getByText('正在评分，页面每 2 秒自动刷新。').waitFor();
      await j.screen('run-running');
    }
    await page.locator('[data-testid="run-progress"][data-status="done"]').waitFor({ timeout: 240_000 });
    await page.getByTestId('run-scored').getByText(`已评分 ${ENTITIES} / ${ENTITIES} 个主体`).waitFor();
    await page.getByRole('table', { name: '评分运行列表（从新到旧）' }).getByText('已完成').waitFor();

    // The class distribution: the database's, class by class, drawn as a chart.
    const rows = await sql<{ c: string; n: number }>(
      stack.db.url,
      `SELECT risk_class AS c, count(*)::int AS n FROM entity_risk GROUP BY 1`,
    );
    const want = Object.fromEntries(rows.map((r) => [r.c, r.n]));
    expect(Object.values(want).reduce((a, b) => a + b, 0)).toBe(ENTITIES);
    for (const c of ['A', 'B', 'C', 'D']) {
      const text = await page.getByTestId(`dist-${c}`).innerText();
      expect(text).toMatch(new RegExp(`^${c}\\s+${want[c] ?? 0} 个（`));
    }
    await page.getByTestId('run-chart').locator('canvas').waitFor();
    await j.screen('run-done');
    await english(page);
    await page.getByText(`${ENTITIES} of ${ENTITIES} entities scored`).waitFor();
    await page.getByText('Risk classes after the run').waitFor();
    await j.screen('run-done');

    // Models: scorecard-v1 active; activate the synthetic fit, refused without a reason.
    await page.getByRole('tab', { name: 'Scoring models' }).click();
    await page.getByTestId('model-detail').getByText('Model scorecard-v1').waitFor();
    await page.getByTestId('model-active').waitFor();
    // Its model card: the backtests per data set, as fit and eval wrote them.
    const backtests = page.getByRole('table', { name: 'Backtests per data set' });
    for (const dataset of ['synthetic', 'chicago'])
      await backtests.getByRole('cell', { name: dataset, exact: true }).waitFor();
    await j.screen('models');
    await chinese(page);
    // The calibrated version's card: the calibration and its reliability by decile.
    await page.getByRole('button', { name: 'scorecard-v1.1', exact: true }).click();
    await page.getByTestId('model-detail').getByText('模型 scorecard-v1.1').waitFor();
    const reliability = page.getByRole('table', { name: '校准可靠性表' });
    await reliability.locator('tbody tr.ant-table-row').first().waitFor();
    expect(await reliability.locator('tbody tr.ant-table-row').count()).toBe(10);
    await page
      .getByTestId('model-card')
      .getByText(/p = σ\(/)
      .waitFor();
    await j.screen('model-card');
    await page.getByRole('button', { name: 'scorecard-synthetic-fit-1' }).click();
    const detail = page.getByTestId('model-detail');
    await detail.getByText('模型 scorecard-synthetic-fit-1').waitFor();
    await detail.getByText('该模型从未启用').waitFor();
    expect(await page.getByTestId('model-active').count()).toBe(0);
    await page.getByRole('button', { name: '启用此模型' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('启用评分模型 scorecard-synthetic-fit-1').waitFor();
    // What is switched on is shown first: this fit has no model card, and the dialog says so.
    await dialog.getByText('该版本没有模型说明书。').waitFor();
    await dialog.getByRole('button', { name: '确认启用' }).click();
    await dialog.getByText('请说明启用原因（例如通过的回测）').waitFor();
    await j.screen('activate-no-reason');
    const reason = '2024 年回测 AUC 0.74，优于第1版';
    await dialog.locator('#reason').fill(reason);
    await dialog.getByRole('button', { name: '确认启用' }).click();
    await page.getByTestId('activation-notice').getByText('已启用 scorecard-synthetic-fit-1').waitFor();
    await detail.getByTestId('model-active').waitFor();
    const history = page.getByRole('table', { name: '该模型的启用记录（从新到旧）' });
    const first = history.locator('tbody tr.ant-table-row').first();
    await first.getByText(reason).waitFor();
    await first.getByText('scorecard-v1 → scorecard-synthetic-fit-1').waitFor();
    await first.getByText('zhao.min').waitFor();
    const list = page.getByRole('table', { name: '评分模型列表' });
    const activeRow = list.locator('tbody tr.ant-table-row', { hasText: '当前启用' });
    await activeRow.getByRole('button', { name: 'scorecard-synthetic-fit-1', exact: true }).waitFor();
    expect(await activeRow.count()).toBe(1);
    await j.screen('activated');
    await english(page);
    await page.getByTestId('activation-notice').getByText('scorecard-synthetic-fit-1 activated').waitFor();
    await page
      .getByRole('table', { name: 'Activations of this model (newest first)' })
      .getByText(reason)
      .waitFor();
    await j.screen('activated');

    // What the screen showed is what was stored.
    const [stored] = await sql<{ version: string; activated_by: string; reason: string }>(
      stack.db.url,
      `SELECT version, activated_by, reason FROM scoring_model_activation ORDER BY id DESC LIMIT 1`,
    );
    expect(stored).toEqual({ version: 'scorecard-synthetic-fit-1', activated_by: 'zhao.min', reason });

    // A second run, with the model just activated: entities move class, the biggest movers listed.
    await page.getByRole('tab', { name: 'Scoring runs' }).click();
    await page.getByRole('button', { name: 'Start a full run' }).click();
    await popconfirmOk(page);
    await page.getByText(/^\d+ entities changed risk class$/).waitFor({ timeout: 240_000 });
    const [last] = await sql<{ moved: number; movers: number; written: number; unchanged: number }>(
      stack.db.url,
      `SELECT (summary->>'movedClass')::int AS moved, jsonb_array_length(summary->'topMovers') AS movers,
              (summary->>'scoresWritten')::int AS written, (summary->>'unchanged')::int AS unchanged
         FROM score_run ORDER BY started_at DESC LIMIT 1`,
    );
    expect(last.moved).toBeGreaterThan(0);
    await page.getByTestId('run-moved').getByText(`${last.moved} entities changed risk class`).waitFor();
    // Another model: every entity's outcome changed (the model is part of it), a new row for each.
    expect(last.written).toBeGreaterThan(0);
    expect(last.unchanged).toBe(0);
    await page
      .getByTestId('run-written')
      .getByText(`${last.written} new scores written (score, class, floors or model changed)`, {
        exact: false,
      })
      .waitFor();
    const movers = page.getByRole('table', { name: 'Entities whose score moved most (up to 10)' });
    await movers.locator('tbody tr.ant-table-row').first().waitFor();
    expect(await movers.locator('tbody tr.ant-table-row').count()).toBe(last.movers);
    await j.screen('run-movers');
    await chinese(page);
    await page.getByTestId('run-moved').getByText(`${last.moved} 个主体改变了风险分类`).waitFor();
    await j.screen('run-movers');

    // 影子运行: scorecard-v1.1 run in shadow beside the active synthetic fit, chosen on the screen; its
    // class-flow matrix is the database's (shadow scores against the current scores), cell by cell,
    // and no entity's score changed.
    const scoreRows = async () =>
      (await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM score`))[0]!.n;
    const scoresBefore = await scoreRows();
    const shadowCard = page.getByTestId('start-shadow');
    await shadowCard.getByRole('combobox').click();
    await page.locator('.ant-select-dropdown:visible').getByText('scorecard-v1.1', { exact: true }).click();
    await shadowCard.getByRole('button', { name: '开始影子运行' }).click();
    await popconfirmOk(page);
    await page.getByTestId('shadow-flows').waitFor({ timeout: 240_000 });
    await page
      .getByRole('table', { name: '评分运行列表（从新到旧）' })
      .getByTestId('shadow-tag')
      .first()
      .waitFor();
    const cells = await sql<{ from: string; to: string; n: number }>(
      stack.db.url,
      `SELECT er.risk_class AS "from", ss.risk_class AS "to", count(*)::int AS n
         FROM shadow_score ss JOIN entity_risk er ON er.entity_id = ss.entity_id
        WHERE ss.run_id = (SELECT id FROM score_run WHERE kind = 'shadow' ORDER BY started_at DESC LIMIT 1)
        GROUP BY 1, 2`,
    );
    expect(cells.reduce((n, c) => n + c.n, 0)).toBe(ENTITIES);
    for (const a of ['A', 'B', 'C', 'D'])
      for (const b of ['A', 'B', 'C', 'D']) {
        const want = cells.find((c) => c.from === a && c.to === b)?.n ?? 0;
        expect(await page.getByTestId(`flow-${a}-${b}`).innerText()).toBe(String(want));
      }
    expect(await scoreRows()).toBe(scoresBefore);
    await page.getByText('分类流向：现行模型 → 候选模型').waitFor();
    await j.screen('shadow-flows');
    await english(page);
    await page.getByText('Class flows: active model → candidate model').waitFor();
    await j.screen('shadow-flows');
    await chinese(page);
    await j.assertClean();
  });

  it('shows a coordinator the runs and models without the actions; the API refuses them', async () => {
    const { coordinator } = stack.users;
    const [j, page] = await signedIn('coordinator', coordinator, false);
    await page.getByRole('heading', { name: '评分', exact: true }).waitFor();
    await page.locator('[data-testid="run-progress"][data-status="done"]').waitFor();
    // The newest run is the shadow run: its class flows counted within the coordinator's county.
    await page.getByTestId('shadow-flows').getByText('统计范围：辖区 330106').waitFor();
    expect(await page.getByTestId('start-shadow').count()).toBe(0);
    // The full run before it: its class distribution.
    await page
      .getByRole('table', { name: '评分运行列表（从新到旧）' })
      .locator('tbody tr.ant-table-row')
      .nth(1)
      .getByRole('button')
      .first()
      .click();
    await page.getByTestId('dist-A').waitFor();
    expect(await page.getByRole('button', { name: '开始全量评分' }).count()).toBe(0);
    await j.screen('runs-read-only');
    await page.getByRole('tab', { name: '评分模型' }).click();
    await page.getByTestId('model-detail').getByText('模型 scorecard-synthetic-fit-1').waitFor();
    await page.getByRole('button', { name: 'scorecard-v1', exact: true }).click();
    await page.getByTestId('model-detail').getByText('模型 scorecard-v1').waitFor();
    expect(await page.getByRole('button', { name: '启用此模型' }).count()).toBe(0);
    await j.screen('models-read-only');
    await english(page);
    await page.getByTestId('model-detail').getByText('Model scorecard-v1').waitFor();
    expect(await page.getByRole('button', { name: 'Activate this model' }).count()).toBe(0);
    await j.screen('models-read-only');

    for (const [path, body] of [
      ['/api/v1/score-runs', undefined],
      ['/api/v1/scoring-models/scorecard-v1/activate', JSON.stringify({ reason: 'try' })],
    ] as const) {
      const res = await fetch(`${stack.url}${path}`, { method: 'POST', headers: coordinator.headers, body });
      expect(res.status).toBe(403);
      expect((await json(res)).error.message).toMatch(/scoring:manage/);
    }
    await j.assertClean();
  });
});
