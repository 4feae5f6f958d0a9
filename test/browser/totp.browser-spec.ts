import { jest } from '@jest/globals';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { Journey, launchChromium } from './browser';

// 动态口令 (the second factor, TOTP) in a real browser (issue 14): the security administrator
// (安全管理员) issues a one-time enrolment code (一次性绑定码) to a system administrator who has no
// second factor, shown once (a code to an enrolled administrator is refused, the API's reason shown),
// resets a member of staff's second factor at once and an administrator's as a request a second
// security administrator confirms (待复核申请). The system administrator signs in, is taken to
// 绑定动态口令 (every other screen would refuse), is refused a wrong enrolment code (the API's reason
// inline, what was typed kept), enrols with the right one, sees the secret once, is refused a wrong
// one-time code, confirms with a code computed from the secret, reaches the home page, signs out and
// signs in again with a code. In Chinese and in English, axe on every screen.
const SPEC = 'totp';
jest.setTimeout(300_000);
const HOME = /\/console\/?$/;
const REFUSED = /Failed to load resource: the server responded with a status of (400|403|409)/;

describe('second factor (动态口令) in the browser', () => {
  let stack: Stack<'security' | 'security2' | 'system' | 'staff'>;
  let browser: Browser;
  const journeys: Journey[] = [];
  // The enrolment code the security administrator issued to the system administrator (test 1 → 2).
  let issued = '';

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({
        api: apiApp,
        users: {
          security: { role: 'security_admin', regionCode: '330106', username: 'zhao.min' },
          security2: { role: 'security_admin', regionCode: '330106', username: 'sun.hao' },
          // A system administrator who has not enrolled a second factor yet.
          system: { role: 'admin', regionCode: '330106', username: 'qian.lei', totp: false },
          staff: { role: 'supervision_staff', regionCode: '330106', username: 'li.na', totp: true },
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

  async function start(test: string, path: string): Promise<[Journey, Page]> {
    const j = await Journey.start(browser, SPEC, test);
    journeys.push(j);
    j.expect(REFUSED);
    await j.page.goto(`${stack.url}/console${path}`);
    return [j, j.page];
  }

  async function signIn(page: Page, user: Pick<TestUser, 'username' | 'password'>, code?: string) {
    await page.locator('#username').fill(user.username);
    await page.locator('#password').fill(user.password);
    if (code) await page.locator('#code').fill(code);
    await page.locator('button[type="submit"]').click();
  }

  const popconfirmOk = (page: Page) =>
    page
      .locator('.ant-popconfirm:visible')
      .getByRole('button', { name: /^(确\s?定|OK)$/ })
      .click();

  it('lets the security administrator issue an enrolment code once and reset second factors', async () => {
    const { security } = stack.users;
    const [j, page] = await start('security', '/admin');
    await signIn(page, security, await security.code());
    await page.waitForURL(`${stack.url}/console/admin`);
    const users = page.getByRole('table', { name: '本辖区用户' });
    const row = (name: string) => users.locator('tr.ant-table-row').filter({ hasText: name });
    await row('qian.lei').waitFor();
    // Nothing on one's own account.
    expect(await row('zhao.min').getByRole('button').count()).toBe(0);

    // A code for the system administrator: shown once, with its expiry and how to hand it over.
    await row('qian.lei').getByRole('button', { name: '签发绑定码' }).click();
    await page.getByText('为 qian.lei 签发一次性绑定码？').waitFor();
    await popconfirmOk(page);
    const dialog = page.getByRole('dialog');
    await dialog.getByText('qian.lei 的一次性绑定码（仅显示这一次）').waitFor();
    await dialog.getByText(/切勿与密码一同发送/).waitFor();
    await dialog.getByText(/有效期至 \d{4}-\d{2}-\d{2}/).waitFor();
    issued = (await page.getByTestId('shown-once').innerText()).trim();
    expect(issued).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    await j.screen('code-issued');
    await dialog.getByRole('button', { name: '我已记下，关闭' }).click();
    await page.getByTestId('shown-once').waitFor({ state: 'hidden' });
    expect(await page.locator('body').innerText()).not.toContain(issued);

    // An administrator who has enrolled: the API refuses a code (409), its reason shown.
    await row('sun.hao').getByRole('button', { name: '签发绑定码' }).click();
    await popconfirmOk(page);
    const refused = page.getByRole('alert');
    await refused.getByText('与当前状态冲突').waitFor();
    await refused.getByText(/该用户已绑定动态口令，如需更换请先重置/).waitFor();
    await j.screen('code-refused');

    // A member of staff's second factor is reset at once …
    await row('li.na').getByRole('button', { name: '重置动态口令' }).click();
    await page.getByText('重置 li.na 的动态口令？').waitFor();
    await popconfirmOk(page);
    await page
      .getByRole('status')
      .getByText(/已重置 li\.na 的动态口令/)
      .waitFor();
    const staffSignIn = await fetch(`${stack.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'li.na', password: stack.users.staff.password }),
    });
    expect(staffSignIn.status).toBe(200); // no code needed any more
    await j.screen('reset-done');

    // … an administrator's is a request a second security administrator confirms.
    await row('sun.hao').getByRole('button', { name: '重置动态口令' }).click();
    await page
      .locator('.ant-popconfirm:visible')
      .getByText(/须由另一名安全管理员确认后生效/)
      .waitFor();
    await popconfirmOk(page);
    const notice = page.getByRole('status');
    await notice.getByText(/已提交申请：重置 sun\.hao（安全管理员）的动态口令/).waitFor();
    await j.screen('reset-pending');
    await notice.getByRole('button', { name: '查看待复核申请' }).click();
    await page.getByRole('tab', { name: '待复核申请', selected: true }).waitFor();
    const request = page
      .getByRole('table', { name: '三员账号申请' })
      .locator('tr.ant-table-row')
      .filter({ hasText: 'sun.hao' });
    await request.getByText('重置动态口令').waitFor();
    await request.getByText('待复核').waitFor();

    // In English: a code for the member of staff (reset, so without a second factor now).
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('tab', { name: 'Users' }).click();
    const usersEn = page.getByRole('table', { name: 'Users of my jurisdiction' });
    const li = usersEn.locator('tr.ant-table-row').filter({ hasText: 'li.na' });
    await li.getByRole('button', { name: 'Issue code' }).click();
    await page.getByText('Issue a one-time enrolment code to li.na?').waitFor();
    await j.screen('issue-confirm');
    await popconfirmOk(page);
    await dialog.getByText('One-time enrolment code of li.na (shown this once only)').waitFor();
    await dialog.getByText(/apart from their initial password/).waitFor();
    await j.screen('code-issued');
    await dialog.getByRole('button', { name: 'I have noted it, close' }).click();
    const resetIn = async (name: string) => {
      await usersEn
        .locator('tr.ant-table-row')
        .filter({ hasText: name })
        .getByRole('button', { name: 'Reset 2FA' })
        .click();
      await popconfirmOk(page);
    };
    await resetIn('qian.lei');
    await page
      .getByRole('status')
      .getByText(/Request filed: reset the second factor of qian\.lei \(system administrator\)/)
      .waitFor();
    await page.getByRole('status').getByRole('button', { name: 'Show the requests to confirm' }).waitFor();
    await j.screen('reset-pending');
    // A second request for sun.hao while one is pending: refused (409), the API's reason shown.
    await resetIn('sun.hao');
    await page.getByRole('alert').getByText('Conflicts with the current state').waitFor();
    await page
      .getByRole('alert')
      .getByText(/already pending/)
      .waitFor();
    await j.screen('reset-refused');
    await j.assertClean();
  });

  it('takes an administrator without a second factor to enrol, with the issued code, and then in', async () => {
    const { system } = stack.users;
    expect(issued).not.toBe('');
    const [j, page] = await start('enrol', '/');
    await page.waitForURL(/\/console\/sign-in/);
    await signIn(page, system);
    // Signed in with a password only: the one thing this session may do is enrol.
    await page.waitForURL(`${stack.url}/console/enrol`);
    await page.getByRole('heading', { name: '绑定动态口令' }).waitFor();
    await page.getByText('管理员须先绑定动态口令后方可使用（请联系安全管理员获取绑定码）。').waitFor();
    await page.getByText(/当前账号：qian\.lei/).waitFor();
    await page.getByText(/系统管理 → 用户/).waitFor();
    await j.screen('enrol-code');
    // Any other screen sends it back here.
    await page.goto(`${stack.url}/console/admin`);
    await page.waitForURL(`${stack.url}/console/enrol`);
    await page.getByRole('heading', { name: '绑定动态口令' }).waitFor();

    // A wrong code: the API's reason next to the input and above the form, the code kept.
    const wrong = issued === 'ABCD-EFGH-JKMN-PQRS' ? 'WXYZ-WXYZ-WXYZ-WXYZ' : 'ABCD-EFGH-JKMN-PQRS';
    await page.locator('#enrol_enrolmentCode').fill(wrong.toLowerCase());
    await page.getByRole('button', { name: '下一步' }).click();
    const help = page.locator('#enrol_enrolmentCode_help');
    await help.getByText(/绑定码错误、已使用或已过期，请向安全管理员重新申请/).waitFor();
    await help.getByText(/wrong, used or expired/).waitFor();
    expect(await page.locator('#enrol_enrolmentCode').inputValue()).toBe(wrong.toLowerCase());
    await j.screen('enrol-code-wrong');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Enrol a second factor' }).waitFor();
    await page.getByText(/Administration → Users/).waitFor();
    await help.getByText(/wrong, used or expired/).waitFor();
    await j.screen('enrol-code-wrong');

    // The issued code, typed as it was read out (lower case, spaces): the secret, once.
    await page.locator('#enrol_enrolmentCode').fill(issued.toLowerCase().replace(/-/g, ' '));
    await page.getByRole('button', { name: 'Next' }).click();
    const shown = page.getByTestId('totp-secret');
    await shown.waitFor();
    const grouped = (await shown.innerText()).trim();
    expect(grouped).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    const secret = grouped.replace(/\s+/g, '');
    const uri = (await page.getByTestId('totp-uri').innerText()).trim();
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    expect(new URL(uri).searchParams.get('secret')).toBe(secret);
    await page.getByText(/shown this once only/).waitFor();
    await page.getByRole('img', { name: /QR code of the one-time codes/ }).waitFor();
    await page.getByText('The app will list it as Lianjian 联监 (qian.lei)').waitFor();
    await j.screen('enrol-secret');
    await page.getByRole('button', { name: /^中\s?文$/ }).click();
    await page.getByText(/以下密钥仅显示这一次/).waitFor();
    await j.screen('enrol-secret');

    // A wrong one-time code (of an hour ago): refused, the reason inline, the code kept.
    await page.getByRole('button', { name: '已添加，下一步' }).click();
    const old = await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 3600 });
    await page.locator('#confirm_code').fill(old);
    await page.getByRole('button', { name: '确认绑定' }).click();
    await page
      .locator('#confirm_code_help')
      .getByText(/动态口令错误或已使用/)
      .waitFor();
    expect(await page.locator('#confirm_code').inputValue()).toBe(old);
    await j.screen('enrol-confirm-wrong');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Confirm' }).waitFor();
    await j.screen('enrol-confirm-wrong');
    await page.getByRole('button', { name: /^中\s?文$/ }).click();

    // The code of now: enrolled, and this session counts as two factors: the home page.
    await page.locator('#confirm_code').fill(await generate({ secret }));
    await page.getByRole('button', { name: '确认绑定' }).click();
    await page.waitForURL(HOME);
    await page.getByRole('heading', { name: '工作台' }).waitFor();
    await page
      .getByTestId('signed-in-as')
      .getByText(/qian\.lei/)
      .waitFor();
    await page.getByRole('navigation').getByRole('menu').getByText('系统管理').waitFor();
    await j.screen('home-after-enrol');
    // The admin screens open now.
    await page.getByRole('navigation').getByRole('menu').getByText('系统管理').click();
    await page.getByRole('tab', { name: '部门推送地址' }).waitFor();

    // Signed out, a sign-in now needs the code: without it refused, with it in (the code of the
    // next 30-second step: the one of this step was used to confirm), back on the screen left.
    await page.getByRole('button', { name: /^退\s?出$/ }).click();
    await page.waitForURL(/\/console\/sign-in\?next=%2Fadmin/);
    j.expect(/Failed to load resource: the server responded with a status of 401/);
    await signIn(page, system);
    await page.getByRole('alert').getByText('用户名、密码或动态口令错误').waitFor();
    await signIn(page, system, await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.waitForURL(`${stack.url}/console/admin`);
    await page.getByRole('tab', { name: '部门推送地址' }).waitFor();
    await page.getByRole('navigation').getByRole('menu').getByText('工作台').click();
    await page.waitForURL(HOME);
    await page.getByRole('heading', { name: '工作台' }).waitFor();
    expect(await page.getByText('管理员须先绑定动态口令').count()).toBe(0);
    await j.screen('home-signed-in-with-code');
    await j.assertClean();
  });

  it('lets a member of staff (reset above) enrol again without an enrolment code', async () => {
    const { staff } = stack.users;
    // From the header's link, as a member of staff would find it.
    const [j, page] = await start('staff', '/');
    await signIn(page, staff);
    await page.waitForURL(HOME);
    await page.locator('.lj-header').getByRole('link', { name: '动态口令' }).click();
    await page.waitForURL(`${stack.url}/console/enrol`);
    await page.getByRole('heading', { name: '绑定动态口令' }).waitFor();
    // Not an administrator: nothing forces it, no code is asked for, the way home stays open.
    expect(await page.getByText('管理员须先绑定动态口令').count()).toBe(0);
    expect(await page.locator('#enrol_enrolmentCode').count()).toBe(0);
    await page.getByText(/您的角色无需绑定码/).waitFor();
    await page.getByRole('link', { name: '返回工作台' }).waitFor();
    await j.screen('enrol-start');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText(/Your role needs no enrolment code/).waitFor();
    await j.screen('enrol-start');
    await page.getByRole('button', { name: 'Start' }).click();
    const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
    await page.getByRole('button', { name: 'Added, next' }).click();
    await page.locator('#confirm_code').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(HOME);
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    // From now on a sign-in needs the code.
    const without = await fetch(`${stack.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: staff.username, password: staff.password }),
    });
    expect(without.status).toBe(401);
    await j.assertClean();
  });
});
