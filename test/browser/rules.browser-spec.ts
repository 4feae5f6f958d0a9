import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import { Journey, launchChromium } from './browser';
import { openSignedIn } from './journeys';

// 规则 in a real browser (issue 14, the rule author's journey): a member of staff drafts a rule in
// the editor (the API refuses the first submit, its reason next to the input, nothing typed lost),
// backtests it over March 2025 on a worker (records seeded so it finds an alert), cannot publish
// their own draft and is told why (四眼原则), in Chinese and in English; a second member of staff
// publishes it, the list shows it published; the second asks to retire it with a reason, cannot
// confirm their own request, and the author confirms: retired.
const SPEC = 'rules';
jest.setTimeout(300_000);
const REFUSED = /Failed to load resource: the server responded with a status of (400|409)/;

describe('rules in the browser', () => {
  let stack: Stack<'author' | 'publisher'>;
  let browser: Browser;
  const journeys: Journey[] = [];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({
        api: apiApp,
        worker: workerApp,
        queues: 'backtest',
        users: {
          author: { role: 'supervision_staff', regionCode: '330106', username: 'li.na' },
          publisher: { role: 'supervision_staff', regionCode: '330106', username: 'wang.qiang' },
        },
      }),
      launchChromium(),
    ]);
    // Two restaurants of Xihu: the first penalised by two departments in March 2025, the second by one.
    const db = stack.db.url;
    const ids: string[] = [];
    for (const [ext, name] of [
      ['X1', '西湖区甲餐饮有限公司'],
      ['X2', '西湖区乙餐饮有限公司'],
    ] as const) {
      const [{ id }] = await sql<{ id: string }>(
        db,
        `INSERT INTO entity (ext_scheme, ext_id, name, region_code, industry_code, provisional)
         VALUES ('test', $1, $2, '330106', 'H6210', false) RETURNING id::text AS id`,
        [ext, name],
      );
      ids.push(id);
    }
    const penalty = (sid: string, entity: string, dept: string, at: string) =>
      sql(
        db,
        `INSERT INTO record (source, source_record_id, kind, entity_id, department_code, occurred_at, data, content_hash, batch_id)
         VALUES ('test', $1, 'penalty', $2, $3, $4, '{"penaltyTypes": ["fine"]}', $1, gen_random_uuid())`,
        [sid, entity, dept, at],
      );
    await penalty('X1-1', ids[0]!, '330106-SAMR', '2025-03-03');
    await penalty('X1-2', ids[0]!, '330106-TAX', '2025-03-12');
    await penalty('X2-1', ids[1]!, '330106-SAMR', '2025-03-21');
  });

  afterAll(async () => {
    for (const j of journeys) await j.close();
    await browser?.close();
    await stack?.close();
  });

  async function signedIn(test: string, user: TestUser, path: string): Promise<[Journey, Page]> {
    const j = await openSignedIn(browser, { spec: SPEC, test, base: stack.url }, user, path, {
      expected: REFUSED,
    });
    journeys.push(j);
    return [j, j.page];
  }

  // An antd Select: open it, type to narrow its options, pick the one with this title.
  async function choose(page: Page, id: string, title: string, search?: string) {
    await page.locator(`#${id}`).click();
    if (search) await page.locator(`#${id}`).fill(search);
    await page.locator('.ant-select-dropdown:visible').getByTitle(title, { exact: true }).click();
  }

  const popconfirmOk = (page: Page) =>
    page
      .locator('.ant-popconfirm:visible')
      .getByRole('button', { name: /^(确\s?定|OK)$/ })
      .click();

  it('drafts, backtests and publishes a rule by two users, then retires it', async () => {
    const { author, publisher } = stack.users;
    const [a, pa] = await signedIn('author', author, '/rules');
    await pa.getByRole('heading', { name: '规则' }).waitFor();
    await a.screen('rule-list');

    // The editor: two conditions, the second's region prefix mistyped.
    await pa.getByRole('button', { name: '新建规则' }).click();
    await pa.waitForURL(/\/console\/rules\/new$/);
    await pa.getByText('新建规则草稿').first().waitFor();
    await pa.locator('#id').fill('two-departments');
    await pa.locator('#nameZh').fill('两个部门处罚');
    await pa.locator('#nameEn').fill('Penalised by two departments');
    await choose(
      pa,
      'conditions_0_field',
      '近12个月行政处罚涉及部门数 · history.penalty.departments_12m',
      'departments_12m',
    );
    await choose(pa, 'conditions_0_op', '大于或等于');
    await pa.locator('#conditions_0_value').fill('2');
    await pa.getByRole('button', { name: '添加条件' }).click();
    await choose(pa, 'conditions_1_field', '所在地行政区划代码 · entity.regionCode', 'entity.regionCode');
    await choose(pa, 'conditions_1_op', '以…开头');
    await pa.locator('#conditions_1_value').fill('3301x');
    await choose(pa, 'severity', '严重');
    await pa.locator('#findingType').fill('repeat_penalties');
    await pa.getByTestId('routing').getByText('按联动矩阵推送：').waitFor();
    await pa.locator('#findingLabelZh').fill('多部门重复处罚');
    await pa.locator('#findingLabelEn').fill('Penalties from several departments');
    await pa.locator('#legalBasis_0_zh').fill('国办发〔2019〕35号');
    await pa.locator('#legalBasis_0_en').fill('Guobanfa [2019] No. 35');
    await pa.getByRole('button', { name: '保存草稿' }).click();

    // Refused: the API's reason next to the value it is about; everything typed is still there.
    await pa.getByTestId('editor-refusal').getByText('草稿未保存：请按下列提示修改后重试').waitFor();
    await pa
      .getByTestId('condition-2')
      .getByText(/'3301x' is not a GB\/T 2260 code/)
      .waitFor();
    expect(await pa.locator('#nameZh').inputValue()).toBe('两个部门处罚');
    expect(await pa.locator('#conditions_0_value').inputValue()).toBe('2');
    expect(await pa.locator('#conditions_1_value').inputValue()).toBe('3301x');
    await a.screen('editor-refused');

    await pa.locator('#conditions_1_value').fill('3301');
    await pa.getByRole('button', { name: '保存草稿' }).click();
    await pa.waitForURL(/\/console\/rules\/two-departments$/);
    await pa.getByTestId('rule-state').getByText('草稿').waitFor();
    await pa.getByText('编辑草稿（第 1 版）').waitFor();
    await a.screen('rule-draft');

    // The backtest over March 2025, on the worker: one alert, to Xihu's market regulator, in W11.
    await pa.locator('#from').click();
    await pa.locator('#from').fill('2025-03-01');
    await pa.locator('#from').press('Enter');
    await pa.locator('#to').click();
    await pa.locator('#to').fill('2025-03-31');
    await pa.locator('#to').press('Enter');
    await pa.getByRole('button', { name: '开始回测' }).click();
    await pa.getByTestId('backtest-progress').waitFor();
    const result = pa.getByTestId('backtest-result');
    await result.waitFor({ timeout: 60_000 });
    await result.getByRole('link', { name: '西湖区甲餐饮有限公司' }).waitFor();
    expect(await result.getByText('西湖区乙餐饮有限公司').count()).toBe(0);
    await result.getByRole('cell', { name: '2025-W11' }).waitFor();
    await result.getByRole('cell', { name: '杭州市西湖区市场监督管理局' }).waitFor();
    await pa.locator('[data-testid="backtest-chart"] canvas').waitFor();
    await a.screen('backtest');

    // The author may not publish their own draft: told why, in Chinese, then in English.
    await pa.getByRole('button', { name: '发布第 1 版' }).click();
    await popconfirmOk(pa);
    const refusal = pa.getByTestId('lifecycle-refusal');
    await refusal.getByText('您是该草稿的起草人，不能发布自己起草的规则', { exact: false }).waitFor();
    await refusal.getByText(/another user must review and publish it/).waitFor();
    await a.screen('publish-refused');
    await pa.getByRole('button', { name: 'English' }).click();
    await refusal.getByText('You wrote this draft, so you cannot publish it', { exact: false }).waitFor();
    await pa.getByText('Alerts per department per week').waitFor();
    await a.screen('publish-refused');

    // A second member of staff publishes it.
    const [b, pb] = await signedIn('publisher', publisher, '/rules/two-departments');
    await pb.getByText('该草稿由 li.na 起草，只有起草人可以修改。').waitFor();
    await pb.getByRole('button', { name: '发布第 1 版' }).click();
    await popconfirmOk(pb);
    await pb.getByTestId('rule-state').getByText('已发布').waitFor();
    await b.screen('rule-published');

    await pb.getByRole('navigation').getByRole('menuitem', { name: '规则' }).click();
    await pb.waitForURL(/\/console\/rules$/);
    const row = pb.getByRole('row', { name: /two-departments/ });
    await row.getByText('已发布').waitFor();
    await b.screen('rule-list');

    // Retiring takes two: the publisher asks (a reason is required), cannot confirm their own request.
    await row.getByRole('link', { name: 'two-departments' }).click();
    await pb.waitForURL(/\/console\/rules\/two-departments$/);
    await pb.getByRole('button', { name: '申请停用' }).click();
    await pb
      .getByText(/say why the rule stops/)
      .first()
      .waitFor();
    await pb.locator('#reason').fill('与新的多部门联合规则重复');
    await pb.getByRole('button', { name: '申请停用' }).click();
    await pb
      .getByTestId('retire-requested')
      .getByText(/wang\.qiang .*申请停用：与新的多部门联合规则重复/)
      .waitFor();
    await pb.getByRole('button', { name: '确认停用' }).click();
    await popconfirmOk(pb);
    await pb
      .getByTestId('lifecycle-refusal')
      .getByText('停用申请由您提出，须由另一位用户确认（四眼原则）。')
      .waitFor();
    await b.screen('retire-requested');

    // The author confirms: the rule is retired, and the list says so (in English, as the author chose).
    await pa.reload();
    await pa.getByTestId('retire-requested').waitFor();
    await pa.getByRole('button', { name: 'Confirm retirement' }).click();
    await popconfirmOk(pa);
    await pa.getByTestId('rule-state').getByText('Retired').waitFor();
    await pa.getByRole('cell', { name: '与新的多部门联合规则重复' }).waitFor();
    await a.screen('rule-retired');
    await pa.getByRole('link', { name: 'Back to the rules' }).click();
    await pa
      .getByRole('row', { name: /two-departments/ })
      .getByText('Retired')
      .waitFor();
    await a.screen('rule-list');

    await a.assertClean();
    await b.assertClean();
  });
});
