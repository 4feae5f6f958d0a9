// Jest runs our TypeScript as ES modules (swc, decorator metadata on): NestJS 12 packages are
// ESM-only and Jest can only load them in its ESM mode on Node 20 (NODE_OPTIONS=--experimental-vm-modules,
// set by the npm scripts). The built app itself is CommonJS and loads them through Node's require(esm).
// Every process a test starts inherits this (startApp spreads process.env): the tests' expectations
// are scorecard-v1's, not the product's default model (libs/testing testEnv says the same).
process.env.SCORING_MODEL ??= 'scoring/scorecard-v1.json';
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'es6' },
  },
];
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@lianjian/(.*)$': '<rootDir>/libs/$1/src' },
  rootDir: __dirname,
};
module.exports = {
  // Integration and e2e tests talk to real PostgreSQL, Redis and processes.
  testTimeout: 60000,
  // Three test files at a time, even on two cores: most of a file's time is spent waiting on
  // PostgreSQL, Redis and the processes it started (every file has its own database and queue
  // prefix, so files never collide). Measured on this 2-core machine with other jobs running:
  // unit + integration + e2e + faults took 1,005 s of wall time for 3,005 s of file time, where one
  // file at a time (Jest's default here, cores - 1) added the file times up. `npm test` runs the
  // browser project after the rest with two at a time (each runs Chromium). JEST_MAX_WORKERS overrides.
  maxWorkers: Number(process.env.JEST_MAX_WORKERS) || 3,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,eslint}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      // Specs that run both apps live in test/integration (an app never imports another); the
      // hostile-input corpus and its specs in test/hostile.
      testMatch: [
        '<rootDir>/{apps,libs}/**/*.integration-spec.ts',
        '<rootDir>/test/integration/**/*.integration-spec.ts',
        '<rootDir>/test/hostile/**/*.integration-spec.ts',
      ],
      globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest-global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest-global-teardown.ts',
    },
    {
      ...common,
      // Faults on purpose (npm run test:faults): killed processes, PostgreSQL and Redis restarted, a
      // full disk, on built processes, private PostgreSQL clusters and Redis servers (README, Tests).
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest-global-teardown.ts',
    },
    {
      ...common,
      // The console in a real browser (Debian's Chromium, playwright-core): the built console
      // (dist/console, npm run build) served by the api; one browser per spec, a context per test.
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/browser/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest-global-teardown.ts',
    },
  ],
};
