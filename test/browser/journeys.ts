import { createTestUser, json, startStack, type Stack, type TestUser } from '@lianjian/testing';
import type { Browser, Page } from 'playwright-core';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import { Journey, launchChromium } from './browser';

// What every journey does besides its screens: signing in through the console's form, switching
// users, calling the API behind the screens for set-up and checks, the usual stack (kept apart from
// browser.ts, which jest's global set-up loads without the project's module paths).

// The console's sign-in form, filled and submitted on a page that shows it: the second factor's
// code too with `withCode` (administrators). Waits until the header names the user, unless `wait`
// is false (a refusal the journey asks for).
export async function submitSignIn(
  page: Page,
  user: TestUser,
  opts: { withCode?: boolean; wait?: boolean } = {},
): Promise<void> {
  await page.locator('#username').fill(user.username);
  await page.locator('#password').fill(user.password);
  if (opts.withCode) await page.locator('#code').fill(await user.code());
  await page.locator('button[type="submit"]').click();
  if (opts.wait !== false)
    await page.getByTestId('signed-in-as').getByText(user.username, { exact: false }).waitFor();
}

// Signs out (the header's button, in either language) and in again as another user, who lands back on
// the page signed out from.
export async function switchUser(page: Page, user: TestUser): Promise<void> {
  await page.getByRole('button', { name: /^(退\s?出|Sign out)$/ }).click();
  await page.locator('#username').waitFor();
  await submitSignIn(page, user);
}

// A journey that opens the console's `path` signed in as `user`: the sign-in page first, then back on
// the path asked for. `expected` are the console errors the journey causes on purpose.
export async function openSignedIn(
  browser: Browser,
  where: { spec: string; test: string; base: string },
  user: TestUser,
  path: string,
  opts: { withCode?: boolean; expected?: RegExp } = {},
): Promise<Journey> {
  const j = await Journey.start(browser, where.spec, where.test);
  if (opts.expected) j.expect(opts.expected);
  await j.page.goto(`${where.base}/console${path}`);
  await submitSignIn(j.page, user, { withCode: opts.withCode });
  await j.page.waitForURL(`${where.base}/console${path}`);
  return j;
}

// The stack's API as one of its users, JSON in and out, for what a journey sets up or checks behind
// the screens; an answer of 300 or more throws with its body.
export function apiAs(base: string) {
  return async (who: TestUser, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: who.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const out = await json(res);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(out)}`);
    return out;
  };
}

// The stack of the journeys about alerts, cases and credit repair: the api and a worker in process,
// an administrator and Hangzhou's coordinator, no scheduled jobs; Chromium started alongside.
export type JointStack = Stack<'admin' | 'coordinator'>;

export function startJointStack(): Promise<[JointStack, Browser]> {
  return Promise.all([
    startStack({
      api: apiApp,
      worker: workerApp,
      users: {
        admin: 'admin',
        coordinator: { role: 'coordinator', regionCode: '330100', username: 'coordinator-hz' },
      },
      env: { FEED_CHECK_CRON: '', ESCALATION_CRON: '', CASE_OVERDUE_CRON: '' },
    }),
    launchChromium(),
  ]);
}

// A department officer of the stack's database, in the department's county.
export function departmentOfficer(stack: Stack, departmentCode: string, username: string): Promise<TestUser> {
  return createTestUser(stack.db.url, {
    role: 'department_officer',
    departmentCode,
    regionCode: departmentCode.slice(0, 6),
    username,
  });
}
