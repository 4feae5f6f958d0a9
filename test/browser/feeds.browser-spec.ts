import { readFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import iconv from 'iconv-lite';
import type { Browser } from 'playwright-core';
import { makeUscc } from '@lianjian/reference';
import { createTestUser, sql, startStack, XIHU_DEPARTMENTS, type Stack } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import { Journey, launchChromium } from './browser';
import { submitSignIn } from './journeys';

// 数据归集 in a real browser (issue 14, the feeds journey): Zhejiang's market regulator's officer
// uploads a GBK-encoded CSV for the source samr-gbk-inspections through the console (progress bar),
// follows its batch to the end (a worker of the stack ingests it), reads the refused rows and their
// reasons, and downloads them as a CSV. Screens in zh-CN and English, axe on each, nothing logged.
const SPEC = 'feeds';
const SOURCE = 'samr-gbk-inspections';
jest.setTimeout(180_000);

const HEADER = [
  '检查编号',
  '统一社会信用代码',
  '企业名称',
  '检查日期',
  '检查类型',
  '检查事项',
  '检查结果',
  '重大问题数',
  '严重问题数',
  '一般问题数',
  '问题描述',
  '机关代码',
];
const uscc = (body: string) =>
  makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: body });
const row = (id: string, code: string, name: string, date: string, result: string, findings = '') =>
  [
    id,
    code,
    name,
    date,
    '双随机抽查',
    '食品经营许可',
    result,
    '0',
    '0',
    findings ? '1' : '0',
    findings,
    '330106-SAMR',
  ].join(',');
const VALID = [
  row('ZJ-2025-0001', uscc('MA2CXB7K'), '杭州西湖龙井茶叶有限公司', '2025年03月07日', '未发现问题'),
  row(
    'ZJ-2025-0002',
    uscc('MA27U0QX'),
    '杭州楼外楼餐饮管理有限公司',
    '2025/03/08',
    '责令整改',
    '后厨卫生不达标；台账缺失',
  ),
  row('ZJ-2025-0003', uscc('MA2H3N5P'), '杭州知味观食品有限公司', '2025-03-09', '合格'),
];
const INVALID = [
  // the check digit is wrong
  row('ZJ-2025-0101', '91330106MA2XXXXXXX', '杭州某某商贸有限公司', '2025年03月10日', '合格'),
  // a result the profile does not know
  row('ZJ-2025-0102', uscc('MA2J8K2L'), '杭州钱塘小吃店', '2025年03月11日', '随便写写'),
  // not a date
  row('ZJ-2025-0103', uscc('MA2K4M7Q'), '杭州湖滨超市有限公司', '2025年13月45日', '合格'),
];
const CSV = iconv.encode([HEADER.join(','), ...VALID, ...INVALID].join('\r\n') + '\r\n', 'gbk');

describe('feeds in the browser', () => {
  let stack: Stack;
  let browser: Browser;
  let j: Journey;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({
        api: apiApp,
        worker: workerApp,
        departments: [
          ...XIHU_DEPARTMENTS,
          {
            code: '330000-SAMR',
            name: '浙江省市场监督管理局',
            domains: ['market_regulation', 'food_safety'],
            regionCode: '330000',
            level: 'province',
          },
        ],
      }),
      launchChromium(),
    ]);
  });

  afterAll(async () => {
    await j?.close();
    await browser?.close();
    await stack?.close();
  });

  it('uploads a GBK CSV, follows its batch to the end, shows the refused rows and downloads them', async () => {
    const officer = await createTestUser(stack.db.url, {
      role: 'department_officer',
      departmentCode: '330000-SAMR',
      regionCode: '330000',
    });
    j = await Journey.start(browser, SPEC, 'upload');
    const page = j.page;
    await page.goto(`${stack.url}/console/feeds`);
    await page.waitForURL(/\/console\/sign-in\?next=%2Ffeeds$/);
    await submitSignIn(page, officer);
    await page.waitForURL(/\/console\/feeds$/);

    // The sources and their health: nothing received yet.
    const sources = page.getByRole('table', { name: '数据源列表' });
    await sources.getByRole('link', { name: SOURCE }).waitFor();
    await j.screen('sources');

    await sources.getByRole('link', { name: SOURCE }).click();
    await page.waitForURL(new RegExp(`/console/feeds/${SOURCE}$`));
    await page.getByText('文件按数据源配置声明的编码读取：GBK', { exact: false }).waitFor();
    await page.getByRole('table', { name: '数据源的批次' }).getByText('暂无批次').waitFor();
    await j.screen('source');

    // Upload through the console: the progress bar, then the batch page follows the batch.
    await page
      .getByLabel('选择文件')
      .setInputFiles({ name: '检查结果.csv', mimeType: 'text/csv', buffer: CSV });
    // The upload slowed down (DevTools network throttling, ~60 bytes/s) so the progress bar is seen
    // before the API answers (Chromium holds the request: the bar stands at "sent, storing", 99%).
    const cdp = await j.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 60,
    });
    await page.getByRole('button', { name: /^上\s?传$/ }).click();
    await page.getByTestId('upload-progress').waitFor();
    await page
      .getByRole('status')
      .getByText(/正在上传 \d+%|已发送/)
      .waitFor();
    await j.screen('uploading');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await page.waitForURL(/\/console\/feeds\/batches\/[0-9a-f-]{36}$/);
    const batchId = page.url().split('/').pop()!;
    await page.getByTestId('batch-status').getByText('已完成').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('batch-accepted').innerText()).toBe(String(VALID.length));
    expect(await page.getByTestId('batch-rejected').innerText()).toBe(String(INVALID.length));

    // The refused rows with their reasons (row numbers of the file, header = row 1).
    const refused = page.getByRole('table', { name: '退回记录及原因' });
    await refused.getByRole('cell', { name: 'ZJ-2025-0101', exact: true }).waitFor();
    const rows = refused.locator('tbody tr[data-row-key]');
    expect(await rows.count()).toBe(INVALID.length);
    expect(await rows.locator('td').first().innerText()).toBe(String(VALID.length + 2));
    expect(await refused.innerText()).toContain('随便写写');
    await j.screen('batch');

    // The download (the existing rejections route, audited by the API): the bad rows, in UTF-8.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载退回记录（CSV）' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`rejections-${batchId}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    for (const id of ['ZJ-2025-0101', 'ZJ-2025-0102', 'ZJ-2025-0103']) expect(csv).toContain(id);
    for (const id of ['ZJ-2025-0001', 'ZJ-2025-0002', 'ZJ-2025-0003']) expect(csv).not.toContain(id);
    expect(csv).toContain('杭州钱塘小吃店');
    expect(csv.trimEnd().split(/\r?\n/)).toHaveLength(1 + INVALID.length);

    // Re-run the stored file as a new batch: the same rows, nothing new to store.
    await page.getByRole('button', { name: /^重新处理$/ }).click();
    await page.getByRole('button', { name: /^确\s?定$/ }).click();
    await page.waitForURL(
      (u) => /\/feeds\/batches\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(batchId),
    );
    // The URL changes before React renders the new batch's page: until then the earlier batch's
    // report (已完成, 3 refused) is still on the screen. Its status would satisfy the wait below and
    // the counts then read would be the new batch's first report (排队中, 0 refused): wait for the
    // new batch's own report first.
    const rerunId = page.url().split('/').pop()!;
    await page.getByText(rerunId, { exact: true }).waitFor();
    await page.getByTestId('batch-status').getByText('已完成').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('batch-rejected').innerText()).toBe(String(INVALID.length));
    await j.screen('rerun');

    // In English, one click away.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Batch report' }).waitFor();
    await page.getByTestId('batch-status').getByText('Done').waitFor();
    await j.screen('batch');

    await page.getByRole('link', { name: `Back to source ${SOURCE}` }).click();
    const batches = page.getByRole('table', { name: "The source's batches" });
    await batches.getByText('检查结果.csv').first().waitFor();
    expect(await batches.locator('tbody tr[data-row-key]').count()).toBe(2);
    await page.getByText('As usual', { exact: false }).or(page.getByText('Degraded')).first().waitFor();
    await j.screen('source');

    await page.getByRole('link', { name: 'Back to the sources' }).click();
    await page.getByRole('table', { name: 'Sources' }).getByRole('link', { name: SOURCE }).waitFor();
    await j.screen('sources');

    // The audit trail has the download of the refused rows.
    const audited = await sql<{ n: number }>(
      stack.db.url,
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'GET /api/v1/batches/:batchId/rejections' AND actor = $1`,
      [officer.username],
    );
    expect(audited[0].n).toBeGreaterThan(0);
    await j.assertClean();
  });
});
