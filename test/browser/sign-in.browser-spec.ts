import { jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { createTestUser, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { Journey, launchChromium } from './browser';
import { submitSignIn } from './journeys';

// 登录 in a real browser (issue 14): the built console served by the real api at /console, on a
// database of its own, in headless Chromium. Every screen passed is a screenshot under
// tmp/screenshots/sign-in/, checked by axe; no console error, uncaught exception or CSP violation.
const SPEC = 'sign-in';
// Chromium starting and pages loading on a shared 2-core machine: generous, the suite stays short.
jest.setTimeout(120_000);
// Chromium logs every refused fetch ("Failed to load resource: … 401"): expected where a journey is
// refused on purpose, nowhere else.
// Home: react-router's basename makes it /console, the address bar may show /console/.
const HOME = /\/console\/?$/;
const REFUSED_401 = /Failed to load resource: the server responded with a status of 401/;

describe('sign-in in the browser', () => {
  let stack: Stack;
  let browser: Browser;
  let j: Journey;

  beforeAll(async () => {
    // ACCESS_CACHE_SECONDS=0: a session revoked in the database ends at the next request.
    [stack, browser] = await Promise.all([
      startStack({ api: apiApp, env: { ACCESS_CACHE_SECONDS: '0' } }),
      launchChromium(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  afterEach(async () => {
    await j?.close();
  });

  const open = async (test: string, path: string) => {
    j = await Journey.start(browser, SPEC, test);
    await j.page.goto(`${stack.url}/console${path}`);
    return j.page;
  };

  // Submitted only: each test waits for what it expects (a refusal, the lockout, the screen).
  const signIn = (user: TestUser, withCode = false) => submitSignIn(j.page, user, { withCode, wait: false });

  it('signs in a staff user in Chinese and in English, with the wrong password refused', async () => {
    const staff = await createTestUser(stack.db.url, {
      role: 'supervision_staff',
      departmentCode: '330106-SAMR',
      regionCode: '330106',
    });
    const page = await open('staff', '/');
    await page.waitForURL(/\/console\/sign-in\?next=%2F$/);
    await page.getByRole('heading', { name: '联监 · 监管工作台' }).waitFor();
    await j.screen('sign-in');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Lianjian · Supervision console' }).waitFor();
    await j.screen('sign-in');

    j.expect(REFUSED_401);
    await signIn({ ...staff, password: 'Wrong guess 2026!' });
    await page.getByRole('alert').getByText('Wrong user name, password or one-time code').waitFor();
    await j.screen('wrong-password');

    await signIn(staff);
    await page.waitForURL(HOME);
    await page.getByTestId('signed-in-as').getByText(staff.username, { exact: false }).waitFor();
    const menu = page.getByRole('navigation').getByRole('menu');
    expect(await menu.getByRole('menuitem').allInnerTexts()).toEqual([
      'Home',
      'Risk list',
      'Alerts',
      'Joint cases',
      'Rules',
      'Data feeds',
      'Scoring',
      'Credit repair',
      'Inspection plans',
    ]);
    expect(await page.getByText('Audit', { exact: true }).count()).toBe(0);
    expect(await page.getByText('Administration', { exact: true }).count()).toBe(0);
    await j.screen('home');

    await page.getByRole('button', { name: /^中\s?文$/ }).click();
    await page.getByRole('heading', { name: '工作台' }).waitFor();
    expect(await menu.getByRole('menuitem').allInnerTexts()).toEqual([
      '工作台',
      '风险名单',
      '预警',
      '联合案件',
      '规则',
      '数据归集',
      '评分',
      '信用修复',
      '抽查计划',
    ]);
    await j.screen('home');
    await j.assertClean();
  });

  it('takes a signed-out deep link to sign-in and back to that page after', async () => {
    const staff = await createTestUser(stack.db.url, { role: 'supervision_staff', regionCode: '330106' });
    const page = await open('deep-link', '/some/path?x=1');
    await page.waitForURL(/\/console\/sign-in\?next=%2Fsome%2Fpath%3Fx%3D1$/);
    await j.screen('sign-in');
    await signIn(staff);
    await page.waitForURL(`${stack.url}/console/some/path?x=1`);
    await page.getByText('页面不存在', { exact: true }).waitFor(); // no such screen yet: the 404 page, in the shell
    await page.getByTestId('signed-in-as').waitFor();
    await j.screen('deep-link');
    await j.assertClean();
  });

  it('tells the user their session ended at the next action, and brings them back after signing in', async () => {
    const staff = await createTestUser(stack.db.url, { role: 'coordinator', regionCode: '330106' });
    const page = await open('expiry', '/some/page');
    await signIn(staff);
    await page.waitForURL(`${stack.url}/console/some/page`);
    await j.screen('signed-in');

    // Signed out another way: every token of the user revoked in the database.
    await sql(stack.db.url, `UPDATE access_token SET revoked_at = now() WHERE user_id = $1`, [staff.id]);
    j.expect(REFUSED_401);
    await page.getByRole('button', { name: '返回工作台' }).click();
    await page.waitForURL(/\/console\/sign-in\?next=%2F$/);
    await page.getByText('登录已过期，请重新登录；登录后将回到原页面。').waitFor();
    await j.screen('expired');

    await signIn(staff);
    await page.waitForURL(HOME);
    await page.getByRole('heading', { name: '工作台' }).waitFor();
    expect(await page.getByText('登录已过期').count()).toBe(0);
    await j.screen('home');
    await j.assertClean();
  });

  it('shows a role only its screens: the risk list is not in a security administrator’s menu and its URL is the 403 page', async () => {
    // The auditor (安全审计员) reads the risk list (STAFF_READ, as the API's access matrix has it);
    // the security administrator (安全管理员) manages users only.
    const admin = await createTestUser(stack.db.url, { role: 'security_admin' });
    const page = await open('forbidden', '/risk-list');
    await signIn(admin, true);
    await page.waitForURL(`${stack.url}/console/risk-list`);
    await page.getByText('无权访问').waitFor();
    await page.getByText('您的角色无权打开此页面。').waitFor();
    const menu = page.getByRole('navigation').getByRole('menu');
    expect(await menu.getByRole('menuitem').allInnerTexts()).toEqual(['工作台', '系统管理']);
    expect(await page.getByText('风险名单').count()).toBe(0);
    await j.screen('forbidden');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Your role may not open this page.').waitFor();
    await j.screen('forbidden');
    // A button under the pointer keeps its contrast too (antd's hover colours from our primary).
    await page.getByRole('button', { name: /^中\s?文$/ }).hover();
    await page.waitForTimeout(400); // past any colour transition
    await j.axe('forbidden-hover');
    await j.assertClean();
  });
});
