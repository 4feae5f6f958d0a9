import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { Journey, launchChromium } from './browser';

// 审计 and 系统管理 in a real browser (issue 14): the audit administrator (安全审计员, signing in with
// a second factor) verifies the audit log's hash chain and filters the log to the refusals of one
// user; the security administrator (安全管理员) creates a user (the API's refusals shown in the form,
// which keeps what was typed), files a request for an administrator (a second security administrator
// confirms it: it is pending in 待复核申请, where the requester cannot confirm it and a second
// security administrator does, and then the user exists), and creates an API key, shown once and gone once its dialog is closed; the system
// administrator (系统管理员) sets a department's webhook and rotates its secret (shown once). In
// Chinese and in English, axe on every screen.
const SPEC = 'admin';
jest.setTimeout(300_000);
const REFUSED = /Failed to load resource: the server responded with a status of (400|403)/;

describe('audit and administration in the browser', () => {
  let stack: Stack<'auditor' | 'security' | 'security2' | 'system' | 'staff'>;
  let browser: Browser;
  const journeys: Journey[] = [];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({
        api: apiApp,
        users: {
          auditor: { role: 'auditor', regionCode: '330106', username: 'chen.jing' },
          security: { role: 'security_admin', regionCode: '330106', username: 'zhao.min' },
          security2: { role: 'security_admin', regionCode: '330106', username: 'sun.hao' },
          system: { role: 'admin', regionCode: '330106', username: 'qian.lei' },
          staff: { role: 'supervision_staff', regionCode: '330106', username: 'li.na' },
        },
      }),
      launchChromium(),
    ]);
  });

  afterAll(async () => {
    for (const j of journeys) await j.close();
    await browser?.close();
    await stack?.close();
  });

  // The three administrators sign in with their one-time code (TOTP).
  async function signedIn(test: string, user: TestUser, path: string): Promise<[Journey, Page]> {
    const j = await Journey.start(browser, SPEC, test);
    journeys.push(j);
    j.expect(REFUSED);
    const page = j.page;
    await page.goto(`${stack.url}/console${path}`);
    await page.locator('#username').fill(user.username);
    await page.locator('#password').fill(user.password);
    await page.locator('#code').fill(await user.code());
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${stack.url}/console${path}`);
    await page.getByTestId('signed-in-as').waitFor();
    return [j, page];
  }

  // An antd Select: open it, type to narrow its options, pick the first option containing `text`.
  async function choose(page: Page, id: string, text: string, search?: string) {
    await page.locator(`#${id}`).click();
    if (search) await page.locator(`#${id}`).fill(search);
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: text })
      .first()
      .click();
  }

  const popconfirmOk = (page: Page) =>
    page
      .locator('.ant-popconfirm:visible')
      .getByRole('button', { name: /^(确\s?定|OK)$/ })
      .click();

  it('lets the audit administrator verify the chain and filter the log', async () => {
    const { auditor, staff, security } = stack.users;
    // Something to find: a member of staff and the security administrator are refused the log (三员分立).
    expect((await fetch(`${stack.url}/api/v1/audit`, { headers: staff.headers })).status).toBe(403);
    expect((await fetch(`${stack.url}/api/v1/audit`, { headers: security.headers })).status).toBe(403);

    const [j, page] = await signedIn('auditor', auditor, '/audit');
    await page.getByRole('heading', { name: '审计', exact: true }).waitFor();
    const menu = page.getByRole('navigation').getByRole('menu');
    expect(await menu.getByRole('menuitem').allInnerTexts()).toContain('审计');
    expect(await menu.getByRole('menuitem').allInnerTexts()).not.toContain('系统管理');
    await page.getByRole('table', { name: '审计日志（最新的在前）' }).getByText('li.na').first().waitFor();
    await j.screen('audit-log');

    await page.getByRole('button', { name: '校验哈希链' }).click();
    await page.getByText('审计日志完整').first().waitFor();
    const verification = page.getByTestId('audit-verification');
    const entries = Number(await verification.locator('th:has-text("本次校验条数") + td').innerText());
    expect(entries).toBeGreaterThan(2);
    expect(await verification.locator('td code').innerText()).toMatch(/^[0-9a-f]{64}$/);
    await j.screen('verified');

    // The refusals of the security administrator.
    await page.locator('#actor').fill('zhao.min');
    await choose(page, 'result', '拒绝（无权限）');
    await page
      .getByRole('button', { name: '查 询' })
      .or(page.getByRole('button', { name: '查询' }))
      .click();
    await page.waitForURL(/actor=zhao.min&result=denied/);
    const rows = page
      .getByRole('table', { name: '审计日志（最新的在前）' })
      .locator('tbody tr.ant-table-row');
    await rows.first().getByText('GET /api/v1/audit').waitFor();
    expect(await rows.count()).toBe(1);
    await j.screen('filtered');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Audit', exact: true }).waitFor();
    await page.getByText('denied (no permission)').first().waitFor();
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.getByText('The audit log is intact').first().waitFor();
    await j.screen('verified');
    await j.assertClean();
  });

  it('lets the security administrator create users and an API key shown once', async () => {
    const { security } = stack.users;
    const [j, page] = await signedIn('security', security, '/admin');
    await page.getByRole('heading', { name: '系统管理' }).waitFor();
    const menu = page.getByRole('navigation').getByRole('menu');
    expect(await menu.getByRole('menuitem').allInnerTexts()).toEqual(['工作台', '系统管理']);
    await page.getByRole('table', { name: '本辖区用户' }).getByText('li.na').waitFor();
    await j.screen('users');

    // A department officer: a weak password first (the API's reason next to it), then a region
    // outside the jurisdiction (refused above the form), then right.
    await page.getByRole('button', { name: '新建用户' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('#user_username').fill('wang.fang');
    await dialog.locator('#user_displayName').fill('王芳');
    await dialog.locator('#user_password').fill('short');
    await choose(page, 'user_role', '部门执法人员');
    await choose(page, 'user_departmentCode', '330106-SAMR', '330106-SAMR');
    expect(await dialog.locator('#user_regionCode').inputValue()).toBe('330106');
    await dialog.getByRole('button', { name: /^创\s?建$/ }).click();
    await dialog.getByRole('alert').getByText('输入有误').waitFor();
    await dialog.locator('#user_password_help').getByText(/12/).first().waitFor();
    await j.screen('user-invalid');

    await dialog.locator('#user_password').fill('A long passphrase 2026');
    await dialog.locator('#user_regionCode').fill('330110');
    await dialog.getByRole('button', { name: /^创\s?建$/ }).click();
    await dialog.getByRole('alert').getByText('无权操作').waitFor();
    await dialog
      .getByRole('alert')
      .getByText(/outside your jurisdiction/)
      .waitFor();
    // Nothing typed is lost.
    expect(await dialog.locator('#user_username').inputValue()).toBe('wang.fang');
    expect(await dialog.locator('#user_password').inputValue()).toBe('A long passphrase 2026');
    await j.screen('user-refused');

    await dialog.locator('#user_regionCode').fill('330106');
    await dialog.getByRole('button', { name: /^创\s?建$/ }).click();
    await page.getByRole('status').getByText('已创建用户 wang.fang').waitFor();
    await page.getByRole('table', { name: '本辖区用户' }).getByText('wang.fang').waitFor();

    // An audit administrator: a request another security administrator confirms.
    await page.getByRole('button', { name: '新建用户' }).click();
    await dialog.locator('#user_username').fill('sun.li');
    await dialog.locator('#user_password').fill('Another passphrase 2026');
    await choose(page, 'user_role', '安全审计员');
    await dialog.getByRole('button', { name: /^创\s?建$/ }).click();
    await page
      .getByRole('status')
      .getByText(/已提交申请：sun\.li（安全审计员）/)
      .waitFor();
    await page
      .getByRole('status')
      .getByText(/admin-requests\/\d+\/confirm/)
      .waitFor();
    expect(await page.getByRole('table', { name: '本辖区用户' }).getByText('sun.li').count()).toBe(0);
    await j.screen('user-created');

    // The request is pending among the requests to confirm: the requester may withdraw it but not
    // confirm it (the button says why; the API refuses it too).
    await page.getByRole('status').getByRole('button', { name: '查看待复核申请' }).click();
    await page.getByRole('tab', { name: '待复核申请', selected: true }).waitFor();
    const requests = page.getByRole('table', { name: '三员账号申请' });
    const mine = requests.locator('tr.ant-table-row').filter({ hasText: 'sun.li' });
    await mine.getByText('待复核').waitFor();
    await mine.getByText('新建账号').waitFor();
    await mine.getByText('zhao.min').waitFor();
    expect(await mine.getByRole('button', { name: /^确\s?认$/ }).isDisabled()).toBe(true);
    await mine.getByText('本人申请，须由另一名安全管理员确认').waitFor();
    await mine.getByRole('button', { name: /^撤\s?回$/ }).waitFor();
    const pending = (await (
      await fetch(`${stack.url}/api/v1/admin-requests?status=pending`, { headers: security.headers })
    ).json()) as { items: { id: string; account: { username: string } }[] };
    const asked = pending.items.find((r) => r.account.username === 'sun.li')!;
    const own = await fetch(`${stack.url}/api/v1/admin-requests/${asked.id}/confirm`, {
      method: 'POST',
      headers: security.headers,
    });
    expect(own.status).toBe(409);
    await j.screen('requests-own');

    // An API key: shown once.
    await page.getByRole('tab', { name: '接口密钥' }).click();
    await page.getByRole('button', { name: '新建接口密钥' }).click();
    const keyDialog = page.getByRole('dialog');
    await keyDialog.locator('#apikey_name').fill('西湖市监处罚报送');
    await choose(page, 'apikey_departmentCode', '330106-SAMR', '330106-SAMR');
    await choose(page, 'apikey_sources', 'samr-xlsx-penalties');
    // A multiple select stays open: a click on the dialog's title closes it.
    await keyDialog.getByText('新建接口密钥').click();
    await keyDialog.getByRole('button', { name: /^创\s?建$/ }).click();
    const shown = page.getByTestId('shown-once');
    await shown.waitFor();
    const key = (await shown.innerText()).trim();
    expect(key.length).toBeGreaterThan(20);
    await page.getByText('接口密钥（仅显示这一次）').waitFor();
    await j.screen('key-shown-once');
    // The key works, once.
    expect((await fetch(`${stack.url}/api/v1/sources`, { headers: { 'x-api-key': key } })).status).toBe(200);
    await page.getByRole('button', { name: '我已保存，关闭' }).click();
    await shown.waitFor({ state: 'detached' }).catch(() => shown.waitFor({ state: 'hidden' }));
    const keys = page.getByRole('table', { name: '本辖区各部门的接口密钥' });
    await keys.getByText('西湖市监处罚报送').waitFor();
    expect(await page.locator('body').innerText()).not.toContain(key);
    await j.screen('keys');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    await keys
      .or(page.getByRole('table', { name: 'API keys of my jurisdiction’s departments' }))
      .first()
      .waitFor();
    expect(await page.locator('body').innerText()).not.toContain(key);
    await j.screen('keys');
    await page.getByRole('tab', { name: 'Users' }).click();
    await page.getByRole('table', { name: 'Users of my jurisdiction' }).getByText('wang.fang').waitFor();
    await j.screen('users');
    await page.getByRole('tab', { name: 'Requests to confirm' }).click();
    const mineEn = page
      .getByRole('table', { name: 'Requests for administrator accounts' })
      .locator('tr.ant-table-row')
      .filter({ hasText: 'sun.li' });
    await mineEn.getByText('My own request: a second security administrator confirms it').waitFor();
    await j.screen('requests-own');
    await j.assertClean();
  });

  it('lets a second security administrator confirm the request, and the user exists', async () => {
    const { security2 } = stack.users;
    const [j, page] = await signedIn('second-security', security2, '/admin');
    await page.getByRole('heading', { name: '系统管理' }).waitFor();
    // The requests tab counts what waits for this administrator: zhao.min's request.
    const awaiting = page.getByRole('tab', { name: /待复核申请/ }).getByTitle('1 条申请待您复核');
    await awaiting.waitFor();
    const tabs = await page.getByRole('tab').allInnerTexts();
    expect(tabs.map((t) => t.replace(/\s*\d+$/, ''))).toEqual(['用户', '待复核申请', '接口密钥']);
    expect(await page.getByRole('table', { name: '本辖区用户' }).getByText('sun.li').count()).toBe(0);
    await page.getByRole('tab', { name: '待复核申请' }).click();
    const requests = page.getByRole('table', { name: '三员账号申请' });
    const row = requests.locator('tr.ant-table-row').filter({ hasText: 'sun.li' });
    await row.getByText('待复核').waitFor();
    await row.getByText('zhao.min').waitFor();
    expect(await row.getByText('本人申请').count()).toBe(0);
    await row.getByRole('button', { name: /^驳\s?回$/ }).waitFor();
    await j.screen('requests-to-confirm');

    await row.getByRole('button', { name: /^确\s?认$/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('确认新建 sun.li（安全审计员）的账号？确认后该账号立即可以登录。').waitFor();
    await dialog.getByText(/申请人：zhao\.min/).waitFor();
    await j.screen('request-confirm-dialog');
    await dialog.getByRole('button', { name: '确认生效' }).click();
    await page.getByRole('status').getByText('已确认：新建账号 sun.li（安全审计员），已生效。').waitFor();
    // Settled: out of the pending ones (and out of the tab's count), in the confirmed ones with who
    // confirmed it.
    expect(await row.count()).toBe(0);
    await awaiting.waitFor({ state: 'detached' });
    await page.locator('.ant-radio-button-wrapper').filter({ hasText: '已确认' }).click();
    await page.waitForURL(/status=confirmed/);
    const settled = requests.locator('tr.ant-table-row').filter({ hasText: 'sun.li' });
    await settled.getByText('sun.hao', { exact: true }).waitFor();
    await j.screen('requests-confirmed');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    const settledEn = page
      .getByRole('table', { name: 'Requests for administrator accounts' })
      .locator('tr.ant-table-row')
      .filter({ hasText: 'sun.li' });
    await settledEn.getByText('confirmed', { exact: true }).waitFor();
    await settledEn.getByText('Create the account').waitFor();
    await page
      .getByRole('status')
      .getByText('Confirmed: Create the account sun.li (audit administrator)')
      .waitFor();
    await j.screen('requests-confirmed');

    // The users list shows the new audit administrator.
    await page.getByRole('button', { name: 'Show the users' }).click();
    await page.getByRole('tab', { name: 'Users', selected: true }).waitFor();
    const users = page.getByRole('table', { name: 'Users of my jurisdiction' });
    const user = users.locator('tr.ant-table-row').filter({ hasText: 'sun.li' });
    await user.getByText('audit administrator').waitFor();
    await user.getByText('sun.hao').waitFor();
    await j.screen('users-after-confirm');
    await j.assertClean();
  });

  it('lets the system administrator set a department’s webhook and rotate its secret', async () => {
    const { system } = stack.users;
    const [j, page] = await signedIn('system', system, '/admin');
    await page.getByRole('heading', { name: '系统管理' }).waitFor();
    expect(await page.getByRole('tab').allInnerTexts()).toEqual(['部门推送地址']);
    await choose(page, 'webhook-department', '330106-TAX', '330106-TAX');
    // Credentials in a URL are refused (a receiver authenticates us by the signature): the reason
    // next to the input, the URL kept.
    await page.locator('#webhook_url').fill('https://user:pw@tax.example.gov.cn/hook');
    await page.getByRole('button', { name: '保存地址' }).click();
    await page
      .locator('#webhook_url_help')
      .getByText(/user:password@/)
      .waitFor();
    expect(await page.locator('#webhook_url').inputValue()).toBe('https://user:pw@tax.example.gov.cn/hook');
    await j.screen('webhook-refused');
    await page.locator('#webhook_url').fill('https://tax.example.gov.cn/lianjian/alerts');
    await page.getByRole('button', { name: '保存地址' }).click();
    await page.getByRole('status').getByText('已保存 330106-TAX 的推送地址').waitFor();

    await page.getByRole('button', { name: '轮换签名密钥' }).click();
    await popconfirmOk(page);
    const shown = page.getByTestId('shown-once');
    await shown.waitFor();
    expect((await shown.innerText()).length).toBeGreaterThan(20);
    await j.screen('secret-shown-once');
    await page.getByRole('button', { name: '我已保存，关闭' }).click();
    await page.getByRole('table', { name: '签名密钥' }).getByText('当前').waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('tab', { name: 'Department webhooks' }).waitFor();
    await j.screen('webhook');
    await j.assertClean();
  });
});
