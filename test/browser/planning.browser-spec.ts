import { jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { makeUscc } from '@lianjian/reference';
import {
  eventually,
  json,
  registrationRecord,
  sql,
  startStack,
  type Stack,
  type TestUser,
} from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import { Journey, launchChromium } from './browser';
import { apiAs, switchUser, submitSignIn } from './journeys';

// 双随机、一公开 in a real browser (issue 16): Xihu's market regulation officer drafts a plan on the
// plans screen (a ratio out of range first refused, the API's reason next to its field, the form kept),
// sees the expected count per class, freezes it (snapshot hash and seed commitment shown), draws it
// (the seed revealed) and staffs it, and is told they may not publish their own plan; a supervision
// staff member publishes the plan announcement and verifies the draw (ok); an inspector on a team
// records a result on 我的检查任务 (a day in the future refused next to the field first), and the plan's
// publications show it awaiting publication with its deadline. Every screen passed is a screenshot
// under tmp/screenshots/planning/, in zh-CN and English, checked by axe; no console error, uncaught
// exception or CSP violation besides the refusals the journey asks for.
const SPEC = 'planning';
jest.setTimeout(300_000);
const REFUSED = /Failed to load resource: the server responded with a status of 400/;
const N = 30;
const uscc = (i: number) =>
  makeUscc({
    authority: '9',
    category: '1',
    regionCode: '330106',
    orgBody: `MB${String(i).padStart(6, '0')}`,
  });
const todayInShanghai = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

type Users = 'admin' | 'officer' | 'staff' | 'i0' | 'i1' | 'i2' | 'i3';

describe('random inspections in the browser', () => {
  let stack: Stack<Users>;
  let browser: Browser;
  let j: Journey;

  beforeAll(async () => {
    const samr = (username: string) => ({
      role: 'department_officer' as const,
      departmentCode: '330106-SAMR',
      regionCode: '330106',
      username,
    });
    [stack, browser] = await Promise.all([
      startStack({
        api: apiApp,
        worker: workerApp,
        users: {
          admin: 'admin',
          officer: samr('officer-xihu-plan'),
          staff: {
            role: 'supervision_staff',
            departmentCode: '330106-SAMR',
            regionCode: '330106',
            username: 'staff-xihu-publish',
          },
          i0: samr('inspector-xihu-0'),
          i1: samr('inspector-xihu-1'),
          i2: samr('inspector-xihu-2'),
          i3: samr('inspector-xihu-3'),
        },
        env: { FEED_CHECK_CRON: '', ESCALATION_CRON: '', CASE_OVERDUE_CRON: '' },
      }),
      launchChromium(),
    ]);
    // N catering businesses of Xihu, scored; four SAMR food inspectors, each a user of the console
    const records = Array.from({ length: N }, (_, i) =>
      registrationRecord(uscc(i), {
        registration: {
          name: `西湖抽查测试餐馆${i}`,
          entityType: '有限责任公司',
          regionCode: '330106',
          industryCode: 'H6210',
          establishedOn: '2019-05-01',
          registeredCapital: 100000,
          legalRepresentative: { name: `法人${i}`, idNumber: `33010619800101${String(2000 + i)}` },
          address: `浙江省杭州市西湖区抽查路${i + 1}号`,
          status: 'active',
        },
      }),
    );
    const sent = await apiAs(stack.url)(stack.users.admin, 'POST', '/records', {
      source: 'samr-xihu',
      records,
    });
    expect(sent.rejected).toEqual([]);
    await eventually(async () => {
      const [r] = await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM entity_risk`);
      return r.n === N ? r : undefined;
    }, 90_000);
    const u = stack.users;
    for (const [k, user] of [u.i0, u.i1, u.i2, u.i3].entries())
      await sql(
        stack.db.url,
        `INSERT INTO inspector (department_code, name, certificate_no, domains, region_code, user_id, created_by)
         VALUES ('330106-SAMR', $1, $2, '{food_safety,market_regulation}', '330106', $3, 'test')`,
        [`检查员${k}`, `ZJ-330106-${2000 + k}`, user.id],
      );
  }, 180_000);

  afterAll(async () => {
    await j?.close();
    await browser?.close();
    await stack?.close();
  });

  const call = (who: TestUser, method: string, path: string, body?: unknown) =>
    apiAs(stack.url)(who, method, path, body);

  it('drafts, freezes, draws and staffs a plan; another publishes it; an inspector records a result; the draw verifies', async () => {
    const { officer, staff } = stack.users;
    j = await Journey.start(browser, SPEC, 'planning-journey');
    j.expect(REFUSED);
    const page = j.page;

    // --- the officer: the plans screen, a new plan
    await page.goto(`${stack.url}/console/inspection-plans`);
    await submitSignIn(page, officer);
    await page.getByRole('navigation').getByRole('menuitem', { name: '抽查计划' }).waitFor();
    const plans = page.getByRole('region', { name: '抽查计划列表（最新在前）' });
    await plans.getByText('没有符合条件的抽查计划').waitFor();
    await j.screen('plans-empty');

    await page.getByRole('button', { name: '制定抽查计划' }).click();
    const form = page.getByTestId('plan-form');
    await form.getByLabel('计划名称').fill('2026年冬季西湖区餐饮服务双随机抽查');
    await form.getByLabel('抽查事项').click();
    await page.locator('.ant-select-item-option', { hasText: 'SAMR-FOOD-OPERATION' }).click();
    await page.keyboard.press('Escape');
    await form.getByLabel('抽查区域（行政区划代码）').fill('330106');
    await form.getByLabel('实施开始日期').fill('2026-12-01');
    await form.getByLabel('实施结束日期').fill('2027-03-31');
    await form.getByLabel('计划抽查户数（检查能力）').fill('10');
    // a class B ratio of 150 %: refused, the API's reason next to the field, what was typed kept
    await form.getByLabel('B类（一般风险） 比例（%）').fill('150');
    await form.getByRole('button', { name: '保存草稿' }).click();
    const ratioB = form.locator('.ant-form-item', { has: page.getByLabel('B类（一般风险） 比例（%）') });
    await ratioB
      .locator('.ant-form-item-explain-error')
      .getByText(/between 0 and 1/)
      .waitFor();
    expect(await form.getByLabel('计划名称').inputValue()).toBe('2026年冬季西湖区餐饮服务双随机抽查');
    await j.screen('plan-form-refused');
    await form.getByLabel('B类（一般风险） 比例（%）').fill('');
    await form.getByRole('button', { name: '保存草稿' }).click();

    // --- the draft: its expected count per class
    await page.waitForURL(/\/console\/inspection-plans\/[0-9a-f-]{36}$/);
    const planId = page.url().split('/').pop()!;
    await page.getByRole('status').getByText('已保存计划草稿“2026年冬季西湖区餐饮服务双随机抽查”').waitFor();
    const strata = page.getByRole('region', { name: '各抽取层的主体数、抽查比例与抽查户数' });
    await strata.getByText('对照组（不分级随机）').waitFor();
    const draft = await call(officer, 'GET', `/inspection-plans/${planId}`);
    expect(await strata.getByTestId('plan-strata-total').innerText()).toBe(
      String(draft.expected.allocation.used),
    );
    await j.screen('plan-draft');

    // --- freeze, draw, staff: each confirmed
    const step = async (button: string, done: RegExp) => {
      await page.getByRole('button', { name: button }).click();
      await page.getByRole('button', { name: /^确\s?认$/ }).click();
      await page.getByRole('status').getByText(done).waitFor();
    };
    await step('冻结计划', /^计划已冻结，名录快照 \d+ 户$/);
    const frozen = await call(officer, 'GET', `/inspection-plans/${planId}`);
    expect(frozen.state).toBe('frozen');
    await page.getByTestId('plan-snapshot-hash').getByText(frozen.snapshotHash).waitFor();
    await page.getByTestId('plan-seed-commitment').getByText(frozen.seedCommitment).waitFor();
    await page.getByTestId('plan-seed').getByText('抽取前保密，抽取后公开').waitFor();
    await j.screen('plan-frozen');

    await step('随机抽取', /^已抽取 \d+ 户，随机种子已公开$/);
    const drawn = await call(officer, 'GET', `/inspection-plans/${planId}`);
    await page.getByTestId('plan-seed').getByText(drawn.seed).waitFor();
    const tasks = page.getByRole('region', { name: '本计划的检查任务（按任务编号）' });
    await tasks
      .locator('tbody tr')
      .nth(drawn.expected.allocation.used - 1)
      .waitFor();
    await j.screen('plan-drawn');

    await step('选派检查人员', /^已选派：\d+ 项任务，其中 0 项无法选派$/);
    await tasks
      .getByText(/检查员\d、检查员\d/)
      .first()
      .waitFor();
    // the author may not publish their own plan: told so, the buttons disabled
    const pubs = page.getByTestId('plan-publications');
    await pubs.getByText('您是本计划的制定人：公告须由他人发布（制定与发布分离）。').waitFor();
    expect(await pubs.getByRole('button', { name: '发布计划公告' }).isDisabled()).toBe(true);
    await j.screen('plan-staffed');

    // --- supervision staff: publish the plan announcement, verify the draw
    await switchUser(page, staff);
    await page.waitForURL(new RegExp(`/console/inspection-plans/${planId}$`));
    await pubs.getByRole('button', { name: '发布计划公告' }).click();
    await page.getByRole('button', { name: /^确\s?认$/ }).click();
    await pubs.getByRole('status').getByText('已发布抽查计划公告（第 1 号）').waitFor();
    const published = pubs.getByRole('region', { name: '本计划的公告' });
    await published.getByText('staff-xihu-publish').waitFor();
    await published.getByRole('link', { name: '下载抽查计划公告第 1 号（CSV）' }).waitFor();
    expect(await pubs.getByRole('button', { name: '发布结果公告' }).isDisabled()).toBe(true);
    await pubs.getByText('没有待公示的检查结果。').waitFor();
    await j.screen('plan-published');
    await page.getByRole('button', { name: '验证抽取' }).click();
    const verification = page.getByTestId('plan-verification');
    await verification.getByText(/^验证通过/).waitFor();
    await j.screen('plan-verified');

    // --- an inspector on a team: 我的检查任务, a result
    const all = (await call(officer, 'GET', `/inspection-plans/${planId}/tasks?limit=500`)).items as {
      taskNo: number;
      inspectorIds: string[];
    }[];
    const directory = await sql<{ id: string; user: string }>(
      stack.db.url,
      `SELECT id::text AS id, user_id::text AS user FROM inspector`,
    );
    const u = stack.users;
    const member = [u.i0, u.i1, u.i2, u.i3].find((x) =>
      all.some((t) => t.inspectorIds.includes(directory.find((d) => d.user === x.id)!.id)),
    )!;
    const mine = all.filter((t) => t.inspectorIds.includes(directory.find((d) => d.user === member.id)!.id));
    await switchUser(page, member);
    await page.getByRole('navigation').getByRole('menuitem', { name: '我的检查任务' }).click();
    await page.waitForURL(/\/console\/inspection-tasks$/);
    const my = page.getByRole('region', { name: '我的检查任务' });
    await my
      .locator('tbody tr')
      .nth(mine.length - 1)
      .waitFor();
    expect(await my.locator('tbody tr').count()).toBe(mine.length);
    await j.screen('my-tasks');
    const first = mine[0]!.taskNo;
    await my.getByRole('button', { name: `录入任务 ${first} 的结果` }).click();
    const result = page.getByTestId('task-result-form');
    await result.getByLabel('检查结果').click();
    await page.locator('.ant-select-item-option', { hasText: '发现问题已责令整改' }).click();
    await result.getByLabel('检查日期').fill('2099-01-01');
    await result.getByLabel('发现的问题（每行一条，可选）').fill('未按规定公示食品经营许可证');
    await result.getByLabel('后续处理（可选）').fill('责令限期改正');
    await result.getByLabel('较重').fill('1');
    await result.getByRole('button', { name: '提交结果' }).click();
    const dateItem = result.locator('.ant-form-item', { has: page.getByLabel('检查日期') });
    await dateItem
      .locator('.ant-form-item-explain-error')
      .getByText(/is in the future/)
      .waitFor();
    expect(await result.getByLabel('发现的问题（每行一条，可选）').inputValue()).toBe(
      '未按规定公示食品经营许可证',
    );
    await j.screen('result-refused');
    const today = todayInShanghai();
    await result.getByLabel('检查日期').fill(today);
    await result.getByRole('button', { name: '提交结果' }).click();
    await page
      .getByRole('status')
      .getByText(new RegExp(`^已录入任务 ${first} 的检查结果，公示期限 \\d{4}-\\d{2}-\\d{2}$`))
      .waitFor();
    await my.getByText('发现问题已责令整改').waitFor();
    await j.screen('result-recorded');

    // In English: my tasks (the notice said again in English), then the plan with the result
    // awaiting publication — its deadline moved into the past behind the screens, so it shows overdue.
    await page.getByRole('button', { name: 'English' }).click();
    const myEn = page.getByRole('region', { name: 'My inspection tasks' });
    await myEn.getByText('Issue found, rectification ordered').waitFor();
    await page
      .getByRole('status')
      .getByText(new RegExp(`^Result of task ${first} recorded; publish by \\d{4}-\\d{2}-\\d{2}$`))
      .waitFor();
    await j.screen('my-tasks-en');
    await sql(
      stack.db.url,
      `UPDATE plan_task SET publish_due = '2026-11-02' WHERE plan_id = $1 AND task_no = $2`,
      [planId, first],
    );
    await myEn.getByRole('link').first().click();
    await page.waitForURL(new RegExp(`/console/inspection-plans/${planId}$`));
    const pending = page.getByRole('region', { name: 'Results awaiting publication and their deadlines' });
    await pending.getByText('Overdue', { exact: true }).waitFor();
    await pending.getByText('2026-11-02').waitFor();
    await page
      .getByRole('region', { name: "The plan's publications" })
      .getByText('Plan announcement')
      .waitFor();
    await j.screen('plan-en');

    // The plans list and a new plan's form in English (the officer again).
    await switchUser(page, officer);
    await page.getByRole('navigation').getByRole('menuitem', { name: 'Inspection plans' }).click();
    await page.waitForURL(/\/console\/inspection-plans$/);
    await page
      .getByRole('region', { name: 'Inspection plans (newest first)' })
      .getByText('Staffed')
      .waitFor();
    await page.getByRole('button', { name: 'New plan' }).click();
    await page.getByTestId('plan-form').getByLabel('Plan title').waitFor();
    await j.screen('plans-en');

    // Behind the screens: the result is stored and due, the draw verifies, the announcement is public.
    const done = (
      await call(member, 'GET', `/inspection-plans/${planId}/tasks?mine=true&limit=500`)
    ).items.find((t: { taskNo: number }) => t.taskNo === first);
    expect(done).toMatchObject({ state: 'done', result: 'rectified', inspectedOn: today });
    expect((await call(staff, 'GET', `/inspection-plans/${planId}/verify`)).ok).toBe(true);
    const list = await json(
      await fetch(`${stack.url}/api/v1/inspection-plans/${planId}/publications`, { headers: staff.headers }),
    );
    expect(list.items.map((p: { kind: string; publishedBy: string }) => [p.kind, p.publishedBy])).toEqual([
      ['plan', 'staff-xihu-publish'],
    ]);
    expect(list.pendingResults).toEqual([
      expect.objectContaining({ taskNo: first, publishDue: '2026-11-02', overdue: true }),
    ]);
    await j.assertClean();
  });
});
