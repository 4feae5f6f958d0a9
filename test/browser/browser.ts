import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// The real-browser harness (issue 14): Debian's Chromium (apt-get install -y chromium; .ci/run does
// it when /usr/bin/chromium is missing) driven by playwright-core, headless, as root (--no-sandbox).
// Each test gets a fresh context (no cookies, no storage); a Journey records every screen it passes
// as a screenshot (tmp/screenshots/<spec>/<n>-<name>-<locale>.png, git-ignored), collects console
// errors, uncaught exceptions and CSP violations, and runs axe-core on every screen, failing on
// serious or critical violations.
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = resolve('tmp', 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Problem {
  kind: 'console' | 'pageerror' | 'csp';
  text: string;
}

export class Journey {
  readonly problems: Problem[] = [];
  private n = 0;
  // Console errors the journey expects (a refused sign-in is logged by Chromium as a failed fetch).
  private readonly expected: RegExp[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly dir: string,
  ) {}

  // A fresh context and page for one test; screenshots go under tmp/screenshots/<spec>/<test>/.
  static async start(browser: Browser, spec: string, test: string): Promise<Journey> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'zh-CN',
      // No transitions half-way through when axe reads colours (the console turns motion off).
      reducedMotion: 'reduce',
    });
    // Every CSP violation of the page, read back by problemsOf (a listener added before any script
    // of the page runs; Playwright adds it through the DevTools protocol, which the CSP does not bind).
    // (Strings, not functions: this project type-checks without the DOM library.)
    await context.addInitScript({
      content: `window.__ljCsp = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          window.__ljCsp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')'));`,
    });
    const page = await context.newPage();
    const dir = join(SCREENSHOTS, spec, test.replace(/[^\w-]+/g, '-').slice(0, 60));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const j = new Journey(context, page, dir);
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !j.expected.some((r) => r.test(msg.text())))
        j.problems.push({
          kind: msg.text().includes('Content Security Policy') ? 'csp' : 'console',
          text: msg.text(),
        });
    });
    page.on('pageerror', (e) => j.problems.push({ kind: 'pageerror', text: String(e) }));
    return j;
  }

  // Console errors that are what the journey does (e.g. "Failed to load resource: … 401").
  expect(...patterns: RegExp[]): void {
    this.expected.push(...patterns);
  }

  // One screen reached: its screenshot, then axe on it (serious or critical violations fail).
  // The pointer is moved off the controls first: a screen is judged at rest (the hover states are
  // checked by their own colour tokens, App.tsx).
  async screen(name: string): Promise<string> {
    await this.page.waitForLoadState('networkidle').catch(() => undefined);
    await this.page.mouse.move(0, 0);
    const locale = await this.page.evaluate<string>("document.documentElement.lang || 'unknown'");
    const file = join(this.dir, `${String(++this.n).padStart(2, '0')}-${name}-${locale}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    await this.axe(name);
    await this.collectCsp();
    return file;
  }

  async axe(name: string): Promise<void> {
    const result = await new AxeBuilder({ page: this.page }).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    if (bad.length)
      throw new Error(
        `axe on ${name}: ${bad
          .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
          .join('; ')}`,
      );
  }

  private async collectCsp(): Promise<void> {
    const seen = await this.page.evaluate<string[]>('(window.__ljCsp || []).splice(0)');
    for (const text of seen) this.problems.push({ kind: 'csp', text });
  }

  // No console error, uncaught exception or CSP violation on any screen passed.
  async assertClean(): Promise<void> {
    await this.collectCsp().catch(() => undefined);
    expect(this.problems).toEqual([]);
  }

  close(): Promise<void> {
    return this.context.close();
  }
}
