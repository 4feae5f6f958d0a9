import { jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import {
  eventually,
  listingRecord,
  penaltyRecord,
  registrationRecord,
  USCC_A,
  type TestUser,
} from '@lianjian/testing';
import { Journey } from './browser';
import {
  apiAs,
  departmentOfficer,
  startJointStack,
  submitSignIn,
  type JointStack,
  switchUser,
} from './journeys';

// 信用修复 in a real browser (issue 14): an officer of the market regulator files, from an entity's
// profile, a repair request about its serious-violation listing and an objection about its penalty
// (an empty reason first refused, the API's reason next to the field); trying to decide their own
// request, they get the API's four-eyes refusal where they tried. A second officer of that
// department sees both pending on the credit-repair screen, rejects the objection with a reason and
// approves the repair; the profile then shows both decisions and the listing as repaired, and the
// entity's alerts and its joint case with their links. Every screen passed is a screenshot under
// tmp/screenshots/repair/, in zh-CN and English, checked by axe; no console error, uncaught
// exception or CSP violation besides the refusals the journey asks for.
const SPEC = 'repair';
jest.setTimeout(300_000);
// Chromium logs every refused fetch: expected where the journey is refused on purpose (an empty
// reason: 400; deciding one's own request: 403), nowhere else.
const REFUSED = /Failed to load resource: the server responded with a status of (400|403)/;

describe('credit repair in the browser', () => {
  let stack: JointStack;
  let browser: Browser;
  let j: Journey;
  let filer: TestUser;
  let decider: TestUser;

  beforeAll(async () => {
    [stack, browser] = await startJointStack();
    const officer = (username: string) => departmentOfficer(stack, '330106-SAMR', username);
    [filer, decider] = await Promise.all([officer('officer-xihu-samr-a'), officer('officer-xihu-samr-b')]);
  }, 120_000);

  afterAll(async () => {
    await j?.close();
    await browser?.close();
    await stack?.close();
  });

  const call = (who: TestUser, method: string, path: string, body?: unknown) =>
    apiAs(stack.url)(who, method, path, body);

  const signIn = (user: TestUser) => submitSignIn(j.page, user);
  const signOutAndIn = (user: TestUser) => switchUser(j.page, user);

  it('files from the profile, decides under four eyes on the credit-repair screen, and the profile shows the decisions', async () => {
    const { admin } = stack.users;
    // Seed: entity A on the serious-violation list (a joint alert, a case opened by itself) and fined.
    const sent = await call(admin, 'POST', '/records', {
      source: 'samr-xihu',
      records: [
        registrationRecord(USCC_A),
        listingRecord(USCC_A, 'L-REPAIR-1', 'serious_violation', 'added'),
        penaltyRecord(USCC_A, 'P-REPAIR-1'),
      ],
    });
    expect(sent.rejected).toEqual([]);
    const before = await eventually(async () => {
      const e = await call(admin, 'GET', `/entities/${USCC_A}`);
      return e.score?.riskClass === 'D' ? e : undefined;
    }, 60_000);
    // The case opened by itself is dispatched, so the department's officers see it (their task).
    const auto = await eventually(async () => {
      const list = await call(admin, 'GET', `/cases?entity=${USCC_A}`);
      return (list.items as { id: string; departments: string[] }[])[0];
    }, 60_000);
    expect(auto.departments).toContain('330106-SAMR');
    await call(stack.users.coordinator, 'POST', `/cases/${auto.id}/dispatch`, {});

    // --- the filer: the profile's credit repair tab and form
    j = await Journey.start(browser, SPEC, 'repair-journey');
    j.expect(REFUSED);
    const page = j.page;
    await page.goto(`${stack.url}/console/entities/${USCC_A}`);
    await signIn(filer);
    const activity = page.getByTestId('profile-activity');
    await activity.getByText('该主体暂无信用修复申请').waitFor();
    const form = page.getByTestId('repair-file-form');
    // Registration records are not offered: the listing and the penalty are.
    await form.getByLabel('所涉记录').click();
    const options = page.locator('.ant-select-item-option');
    await options.first().waitFor();
    expect(await options.allInnerTexts()).toEqual([
      expect.stringMatching(/^(名单列入\/移出|行政处罚) · /),
      expect.stringMatching(/^(名单列入\/移出|行政处罚) · /),
    ]);
    await page.locator('.ant-select-item-option', { hasText: 'L-REPAIR-1' }).click();
    // No reason: the API's reason stands next to the field, the record chosen stays.
    await form.getByRole('button', { name: '提交申请' }).click();
    const reasonItem = form.locator('.ant-form-item', { has: page.getByLabel('申请理由') });
    await reasonItem
      .locator('.ant-form-item-explain-error')
      .getByText(/请说明理由/)
      .waitFor();
    await form.getByText('L-REPAIR-1').waitFor();
    await j.screen('file-refused');
    await form.getByLabel('申请理由').fill('已完成整改，严重违法失信情形已消除');
    await form.getByLabel('证明材料（可选）').fill('整改报告（杭西市监〔2026〕12号）');
    await form.getByRole('button', { name: '提交申请' }).click();
    await form
      .getByRole('status')
      .getByText(/已提交申请 \d+，待 330106-SAMR 审核/)
      .waitFor();
    const repairs = page.getByRole('region', { name: '该主体的信用修复申请' });
    await repairs.getByText('待审核').waitFor();

    // The second: an objection about the penalty.
    await form.getByLabel('所涉记录').click();
    await page.locator('.ant-select-item-option', { hasText: 'P-REPAIR-1' }).click();
    await form.getByText('记录有误，提出异议').click();
    await form.getByLabel('申请理由').fill('罚款金额录入有误');
    await form.getByRole('button', { name: '提交申请' }).click();
    await repairs.locator('tbody tr').nth(1).waitFor();
    expect(await repairs.getByText('待审核').count()).toBe(2);
    // Both records have a request pending: none is left to file about.
    await form.getByText(/该主体没有可申请修复的记录/).waitFor();
    await j.screen('profile-filed');

    const listed = await call(filer, 'GET', `/credit-repairs?entity=${USCC_A}`);
    const byRecord = (id: string) =>
      (listed.items as { id: string; record: { sourceRecordId: string } }[]).find(
        (r) => r.record.sourceRecordId === id,
      )!;
    const repairId = byRecord('L-REPAIR-1').id;
    const objectionId = byRecord('P-REPAIR-1').id;

    // --- the filer may not decide their own request: told before, refused by the API when tried
    await page.getByRole('navigation').getByRole('menuitem', { name: '信用修复' }).click();
    await page.waitForURL(/\/console\/credit-repair$/);
    const table = page.getByRole('region', { name: '信用修复申请列表（最新在前）' });
    await table.getByRole('link', { name: repairId, exact: true }).waitFor();
    await table.getByRole('button', { name: `批准 ${repairId}` }).click();
    const decision = page.getByTestId('repair-decision-form');
    await decision
      .getByText(/四眼原则/)
      .first()
      .waitFor();
    await decision.getByLabel('审核意见').fill('同意');
    await decision.getByRole('button', { name: /^批\s?准$/ }).click();
    await decision
      .getByRole('alert')
      .getByText(/you filed request/)
      .waitFor();
    expect(await decision.getByLabel('审核意见').inputValue()).toBe('同意');
    await j.screen('four-eyes-refused');

    // --- the second officer of the department: both pending; reject one, approve the other
    await signOutAndIn(decider);
    await page.waitForURL(/\/console\/credit-repair$/);
    await table.getByRole('link', { name: repairId, exact: true }).waitFor();
    await table.getByRole('link', { name: objectionId, exact: true }).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(2);
    await j.screen('pending');

    await table.getByRole('button', { name: `驳回 ${objectionId}` }).click();
    await decision.getByRole('button', { name: /^驳\s?回$/ }).click();
    const decisionReason = decision.locator('.ant-form-item', { has: page.getByLabel('审核意见') });
    await decisionReason
      .locator('.ant-form-item-explain-error')
      .getByText(/请说明理由/)
      .waitFor();
    await j.screen('reject-refused');
    await decision.getByLabel('审核意见').fill('经核实，处罚决定书金额无误');
    await decision.getByRole('button', { name: /^驳\s?回$/ }).click();
    await page.getByRole('status').getByText(`已驳回申请 ${objectionId}`).waitFor();
    // Pending only: the rejected one left the list.
    await table.getByRole('link', { name: objectionId, exact: true }).waitFor({ state: 'detached' });

    // In English: approve the repair.
    await page.getByRole('button', { name: 'English' }).click();
    const tableEn = page.getByRole('region', { name: 'Credit repair requests (newest first)' });
    await tableEn.getByRole('button', { name: `Approve ${repairId}` }).click();
    await decision.getByLabel('Decision reason').fill('整改到位，符合信用修复条件');
    await j.screen('approve-form');
    await decision.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').getByText(`Request ${repairId} approved`).waitFor();
    await tableEn.getByText('No request matches').waitFor();
    // Every state: both decided, each with its decision.
    await page.getByLabel('State').click();
    await page.locator('.ant-select-item-option', { hasText: /^All states$/ }).click();
    await tableEn.getByText(/Rejected by officer-xihu-samr-b at .*: 经核实，处罚决定书金额无误/).waitFor();
    await tableEn.getByText(/Approved by officer-xihu-samr-b at .*: 整改到位，符合信用修复条件/).waitFor();
    await j.screen('decided');

    // One request's page, in English.
    await tableEn.getByRole('link', { name: repairId, exact: true }).click();
    await page.getByRole('heading', { name: `Credit repair request ${repairId}` }).waitFor();
    await page.getByText('整改报告（杭西市监〔2026〕12号）').waitFor();
    await j.screen('request-en');

    // --- the profile shows the decisions, the listing as repaired, its alerts and its case
    await page.getByTestId('repair-entity').click();
    await page.waitForURL(new RegExp(`/console/entities/${USCC_A}$`));
    const repairsEn = page.getByRole('region', { name: "The entity's credit repair requests" });
    await repairsEn.getByText('Approved', { exact: true }).waitFor();
    await repairsEn.getByText('Rejected', { exact: true }).waitFor();
    await repairsEn.getByText(/No longer counts from \d{4}-\d{2}-\d{2}/).waitFor();
    await page
      .getByText(/^Credit repaired · counts until/)
      .first()
      .waitFor();
    // The penalty is offered again (its objection was rejected); the repaired listing is not.
    await page.getByTestId('repair-file-form').getByLabel('Record concerned').click();
    expect(await page.locator('.ant-select-item-option').allInnerTexts()).toEqual([
      expect.stringContaining('P-REPAIR-1'),
    ]);
    await page.keyboard.press('Escape');
    await j.screen('profile-decided-en');

    await page.getByRole('button', { name: /^中\s?文$/ }).click();
    const activityZh = page.getByTestId('profile-activity');
    await activityZh.getByRole('tab', { name: /^预警（\d+\+?）$/ }).click();
    await page.getByRole('region', { name: '该主体的预警' }).locator('tbody tr').first().waitFor();
    await activityZh.getByRole('link', { name: '在预警页查看' }).waitFor();
    await j.screen('profile-alerts');
    await activityZh.getByRole('tab', { name: /^联合案件（\d+\+?）$/ }).click();
    const cases = page.getByRole('region', { name: '该主体的联合案件' });
    const caseLink = cases.locator('tbody tr').first().getByRole('link').first();
    await caseLink.waitFor();
    await j.screen('profile-cases');
    const caseId = await caseLink.innerText();
    expect(caseId).toBe(auto.id);
    await caseLink.click();
    await page.waitForURL(new RegExp(`/console/cases/${caseId}$`));
    await activityZh.getByRole('tab').first().waitFor({ state: 'detached' });

    // The approval took effect in the API: the listing no longer counts, the entity was re-scored.
    const after = await eventually(async () => {
      const e = await call(decider, 'GET', `/entities/${USCC_A}`);
      return e.score?.id !== before.score.id ? e : undefined;
    }, 60_000);
    expect(
      after.records.find((r: { sourceRecordId: string }) => r.sourceRecordId === 'L-REPAIR-1'),
    ).toMatchObject({
      repaired: true,
    });
    await j.assertClean();
  });
});
