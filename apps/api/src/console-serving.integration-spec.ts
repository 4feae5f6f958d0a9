import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { startStack, type Stack } from '@lianjian/testing';
import { apiApp } from './bootstrap';

// The console served at /console from its built files (CONSOLE_DIR), against a tiny build of its own
// in a temporary folder, so the spec does not depend on npm run build.
const INDEX =
  '<!doctype html><html lang="zh-CN"><head><script type="module" src="/console/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

describe('the console at /console', () => {
  let stack: Stack<'staff'>;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lj-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("联监");\n');
    writeFileSync(join(dir, 'secret.txt'), 'not served');
    stack = await startStack({
      api: apiApp,
      env: { CONSOLE_DIR: dir },
      users: { staff: 'supervision_staff' },
    });
  });

  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const CONSOLE_CSP =
    "default-src 'self';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data:;connect-src 'self';font-src 'self';object-src 'none';base-uri 'self';form-action 'self';frame-ancestors 'none'";

  it('answers index.html, never cached, for /console, /console/ and every client-side route', async () => {
    for (const path of [
      '/console',
      '/console/',
      '/console/risk-list',
      '/console/some/path?x=1',
      '/console/assets',
    ]) {
      const res = await fetch(`${stack.url}${path}`, { redirect: 'manual' });
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(await res.text()).toBe(INDEX);
    }
    const head = await fetch(`${stack.url}/console/cases`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('serves /console/assets/* as immutable for a year, and 404 for a file that is not there', async () => {
    const res = await fetch(`${stack.url}/console/assets/index-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(await res.text()).toContain('联监');
    for (const path of ['/console/assets/nope.js', '/console/assets/..%2fsecret.txt']) {
      const missing = await fetch(`${stack.url}${path}`);
      expect([path, missing.status]).toEqual([path, 404]);
      expect(await missing.text()).not.toContain('not served');
    }
  });

  it('keeps the API’s own CSP on JSON answers, and leaves other methods to the API', async () => {
    const res = await fetch(`${stack.url}/api/v1/auth/me`, { headers: stack.users.staff.headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
    );
    await res.arrayBuffer();
    const post = await fetch(`${stack.url}/console/risk-list`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe('not_found');
    // Another spelling is no console path (strict, case-sensitive routing).
    expect((await fetch(`${stack.url}/Console`)).status).toBe(404);
    expect((await fetch(`${stack.url}/consoles`)).status).toBe(404);
  });

  it('answers 503 saying how to build it when CONSOLE_DIR holds no build', async () => {
    let app: INestApplication | undefined;
    try {
      app = await stack.start(apiApp, { CONSOLE_DIR: join(dir, 'missing') });
      await app.listen(0);
      const url = await app.getUrl();
      for (const path of ['/console', '/console/risk-list', '/console/assets/index-abc123.js']) {
        const res = await fetch(`${url}${path}`);
        expect([path, res.status]).toEqual([path, 503]);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('service_unavailable');
        expect(body.error.message).toMatch(/the console is not built: run npm run build.*工作台尚未构建/);
      }
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      await app?.close();
    }
  });
});
