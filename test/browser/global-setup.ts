import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
// Global setup runs outside Jest's module system: no path aliases, so relative imports.
// eslint-disable-next-line lianjian/boundaries, no-restricted-imports
import testingSetup from '../../libs/testing/src/jest-global-setup';
import { CHROMIUM } from './browser';

// The browser journeys drive the built console (dist/console, served by the api at /console) in
// Debian's Chromium: both must be there, or the suite stops at once saying what to do.
export default async function globalSetup(): Promise<void> {
  if (!existsSync(resolve('dist', 'console', 'index.html')))
    throw new Error('the console is not built (dist/console/index.html is missing): run npm run build');
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does it in CI)`);
  await testingSetup();
}
