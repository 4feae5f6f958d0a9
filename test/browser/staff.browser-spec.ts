import { join } from 'node:path';
import { jest } from '@jest/globals';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { RECORD_KIND_SPECS } from '@lianjian/domain';
import { makeUscc } from '@lianjian/reference';
import {
  eventually,
  inspectionRecord,
  json,
  listingRecord,
  penaltyRecord,
  registrationRecord,
  sql,
  startStack,
  type Stack,
} from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import { Journey, launchChromium, SCREENSHOTS } from './browser';
import { submitSignIn } from './journeys';

// The staff journey of issue 14 (监管人员), in headless Chromium against the built console, the real
// api and a worker: the risk list filtered to a county and class D → an entity's profile → its
// factors add up to its score → why its score moved between two scores → the list exported to Excel.
// Records go in through the API and are scored by the worker, as in production.
const SPEC = 'staff';
jest.setTimeout(240_000);

const xihu = (orgBody: string) => makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody });
// Two entities on the serious-violation list (class D by its floor), one inspected clean (not D).
const D1 = xihu('MA2J0001');
const D2 = xihu('MA2J0002');
const CLEAN = xihu('MA2J0003');
const SHANGCHENG_D = makeUscc({ authority: '9', category: '1', regionCode: '330102', orgBody: 'MA2J0004' });
// registrationRecord gives D1, D2 and CLEAN one legal representative and address: related parties of
// each other. One more in Ningbo shares the legal representative: outside the staff's city, counted.
const NINGBO = makeUscc({ authority: '9', category: '1', regionCode: '330203', orgBody: 'MA2J0005' });

describe('staff journey in the browser', () => {
  let stack: Stack<'admin' | 'staff'>;
  let browser: Browser;
  let j: Journey;

  const post = async (records: unknown[]) => {
    const res = await fetch(`${stack.url}/api/v1/records`, {
      method: 'POST',
      headers: stack.users.admin.headers,
      body: JSON.stringify({ source: 'samr-xihu', records }),
    });
    expect(res.status).toBe(202);
    const { batchId } = await json(res);
    await eventually(async () => {
      const b = await json(
        await fetch(`${stack.url}/api/v1/batches/${batchId}`, { headers: stack.users.admin.headers }),
      );
      return b.status === 'done' ? b : undefined;
    });
  };
  const history = async (uscc: string) =>
    (
      await json(
        await fetch(`${stack.url}/api/v1/entities/${uscc}/scores`, { headers: stack.users.admin.headers }),
      )
    ).items as { id: string; score: number; riskClass: string }[];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({
        api: apiApp,
        worker: workerApp,
        users: {
          admin: 'admin',
          // City staff: the county is a choice of the region cascader.
          staff: { role: 'supervision_staff', departmentCode: '330100-SAMR', regionCode: '330100' },
        },
      }),
      launchChromium(),
    ]);
    await post([
      ...[D1, D2, CLEAN].map((u) => registrationRecord(u)),
      listingRecord(D1, 'L-D1'),
      listingRecord(D2, 'L-D2'),
      inspectionRecord(CLEAN, 'I-CLEAN', 'pass'),
    ]);
    await eventually(async () =>
      (await history(D1)).length && (await history(D2)).length ? true : undefined,
    );
    // A penalty later: D1 is scored again, so its history has two scores to compare.
    await post([penaltyRecord(D1, 'P-D1', { occurredAt: '2025-08-01' })]);
    await eventually(async () => ((await history(D1)).length >= 2 ? true : undefined));
    await sql(
      stack.db.url,
      `INSERT INTO entity (uscc, name, region_code, industry_code, legal_rep_name, legal_rep_id_number, provisional)
       VALUES ($1, '宁波某餐饮有限公司', '330203', 'H6210', '王建国', $2, false)`,
      [NINGBO, RECORD_KIND_SPECS.registration.example.legalRepresentative.idNumber],
    );
    // A class D entity of another county (Shangcheng), scored: the county filter leaves it out.
    const [{ id }] = await sql<{ id: string }>(
      stack.db.url,
      `INSERT INTO entity (uscc, name, region_code, industry_code, provisional)
       VALUES ($1, '上城区某食品有限公司', '330102', 'H6210', false) RETURNING id::text`,
      [SHANGCHENG_D],
    );
    await sql(
      stack.db.url,
      `WITH s AS (
         INSERT INTO score (entity_id, model_version, as_of, score, base_points, raw_score, class_before_floors,
                            risk_class, factors, inputs_hash, trigger)
         VALUES ($1, 'scorecard-v1', '2026-11-01', 99, 0, 0, 'D', 'D', '[]', 'h', 'test') RETURNING id, entity_id)
       INSERT INTO entity_risk (entity_id, score_id, score, risk_class, model_version, region_code, industry_code,
                                top_factors, scored_at)
       SELECT entity_id, id, 99, 'D', 'scorecard-v1', '330102', 'H6210', '[]', now() FROM s`,
      [id],
    );
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  afterEach(async () => {
    await j?.close();
  });

  it('filters the risk list to a county and class D, opens a profile, compares two scores, exports the list', async () => {
    j = await Journey.start(browser, SPEC, 'journey');
    const page = j.page;
    await page.goto(`${stack.url}/console/risk-list`);
    await page.waitForURL(/\/console\/sign-in/);
    await submitSignIn(page, stack.users.staff);
    await page.waitForURL(/\/console\/risk-list$/);
    const rows = page.locator('tbody tr[data-row-key]');
    await rows.first().waitFor();
    await j.screen('risk-list');

    // The county from the region cascader (the city is the staff's jurisdiction), then class D.
    await page.locator('#rl-region').click();
    await page.locator('.ant-cascader-menu-item', { hasText: '杭州市' }).first().click();
    await page.locator('.ant-cascader-menu-item', { hasText: '西湖区' }).first().click();
    await page.keyboard.press('Escape');
    await page.waitForURL(/region=330106/);
    // (A click, not check(): the box follows the URL, which changes a moment after the click.)
    await page.getByRole('checkbox', { name: 'D' }).click();
    await page.waitForURL(/region=330106&class=D/);
    await eventually(async () => ((await rows.count()) === 2 ? true : undefined));
    const listed = await rows.allInnerTexts();
    expect(listed.join('\n')).toContain(D1);
    expect(listed.join('\n')).toContain(D2);
    expect(listed.join('\n')).not.toContain(SHANGCHENG_D);
    expect(listed.join('\n')).not.toContain(CLEAN);
    await j.screen('risk-list-xihu-d');

    // Export of the filter: the workbook holds the rows the screen lists, in its order.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 Excel' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^风险名单-\d{8}\.xlsx$/);
    const file = join(SCREENSHOTS, SPEC, 'risk-list.xlsx');
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const usccs = wb.worksheets[0]!.getSheetValues()
      .filter(Boolean)
      .slice(1)
      .map((r) => (r as unknown[])[2]);
    const shownUsccs = await rows.locator('td:nth-child(2)').allInnerTexts();
    expect(usccs).toEqual(shownUsccs.map((t) => t.trim()));
    await page
      .getByRole('status')
      .getByText(/已导出 风险名单-\d{8}\.xlsx/)
      .waitFor();
    await j.screen('risk-list-exported');

    // The profile of D1 (keyboard: focus the first row, move to D1's, Enter).
    const index = shownUsccs.findIndex((t) => t.trim() === D1);
    await rows.first().focus();
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/console/entities/${D1}$`));
    const scores = await history(D1);
    const check = page.getByTestId('factor-sum-check');
    await check.getByText(`与评分 ${scores[0]!.score} 一致`, { exact: false }).waitFor();
    expect(await check.innerText()).not.toContain('不一致');
    // Its related parties: D2 (flagged, class D) first, then CLEAN; the Ningbo one only counted.
    const related = page.getByTestId('related-parties');
    const relatedRows = related.locator('tbody tr[data-row-key]');
    await eventually(async () => ((await relatedRows.count()) === 2 ? true : undefined));
    expect(await relatedRows.allInnerTexts()).toEqual([
      expect.stringMatching(new RegExp(`${D2}[\\s\\S]*同一法定代表人及住所[\\s\\S]*被标记[\\s\\S]*D 类`)),
      expect.stringContaining(CLEAN),
    ]);
    await related.getByText('另有 1 家在您的辖区以外（不予显示）').waitFor();
    expect(await related.innerText()).not.toContain(NINGBO);
    await related.getByRole('link').first().waitFor();
    expect(await related.getByRole('link').first().getAttribute('href')).toBe(`/console/entities/${D2}`);
    await j.screen('profile');

    // Why did it move: the two scores of D1 (the latest and the one before, preselected).
    await page.getByRole('button', { name: /^比\s?较$/ }).click(); // antd spaces two CJK characters
    const comparison = page.getByTestId('score-comparison');
    await comparison.waitFor();
    expect((await comparison.innerText()).length).toBeGreaterThan(0);
    await j.screen('profile-compared');

    // The same in English.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Compare' }).waitFor();
    await related.getByText('1 more outside your jurisdiction (not shown)').waitFor();
    await related.getByText('Same legal representative and address').first().waitFor();
    await j.screen('profile');
    await page.goBack();
    await page.waitForURL(/region=330106&class=D/);
    await page.getByRole('button', { name: 'Export to Excel' }).waitFor();
    await rows.first().waitFor();
    await j.screen('risk-list-xihu-d');
    await j.assertClean();
  });
});
