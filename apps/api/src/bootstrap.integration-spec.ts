import type { INestApplication } from '@nestjs/common';
import { startStack, type Stack } from '@lianjian/testing';
import { apiApp, apiDocsEnabled } from './bootstrap';

// Security headers on real answers (helmet), and the OpenAPI docs switch (API_DOCS).
describe('security headers and /docs', () => {
  let stack: Stack<'staff'>;

  beforeAll(async () => {
    stack = await startStack({ api: apiApp, users: { staff: 'supervision_staff' } });
  });

  afterAll(() => stack?.close());

  const expectHardened = (res: Response) => {
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  };

  it('sends nosniff, HSTS, no X-Powered-By and a CSP that loads nothing on JSON answers, errors included', async () => {
    const answers = [
      await fetch(`${stack.url}/health`),
      await fetch(`${stack.url}/api/v1/rules`, { headers: stack.users.staff.headers }),
      await fetch(`${stack.url}/api/v1/rules`), // 401
      await fetch(`${stack.url}/api/v1/no-such-route`, { headers: stack.users.staff.headers }), // 404
      await fetch(`${stack.url}/docs-json`),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 404, 200]);
    for (const res of answers) {
      await res.arrayBuffer();
      expectHardened(res);
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
      );
    }
  });

  it('serves Swagger UI outside production with a CSP that lets it load its own scripts and styles', async () => {
    const res = await fetch(`${stack.url}/docs`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger-ui-init.js');
    expectHardened(res);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('serves no docs in production unless API_DOCS=on, and none when API_DOCS=off', async () => {
    expect(apiDocsEnabled({ NODE_ENV: 'production', API_DOCS: undefined })).toBe(false);
    expect(apiDocsEnabled({ NODE_ENV: 'production', API_DOCS: 'on' })).toBe(true);
    expect(apiDocsEnabled({ NODE_ENV: 'development', API_DOCS: undefined })).toBe(true);
    let app: INestApplication | undefined;
    try {
      app = await stack.start(apiApp, { API_DOCS: 'off' });
      await app.listen(0);
      const url = await app.getUrl();
      for (const path of ['/docs', '/docs-json']) {
        const res = await fetch(`${url}${path}`);
        expect(res.status).toBe(404);
        await res.arrayBuffer();
      }
    } finally {
      await app?.close();
    }
  });
});
