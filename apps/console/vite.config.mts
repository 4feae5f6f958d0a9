import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The staff console (监管工作台), served by apps/api at /console from dist/console (one origin, no
// CORS). `vite build` writes hashed files the api serves as immutable; index.html is never cached.
// JSX goes through Vite's own transform (oxc, automatic runtime): @vitejs/plugin-react adds only Fast
// Refresh for the dev server, and its optional Babel peers conflict with jest's Babel in npm ci.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // ECharts and each screen load on demand (route-level import()).
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      // antd marks its modules "use client" (for React Server Components); a browser bundle ignores it.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npx vite --config apps/console/vite.config.ts` against a local api (npm run demo -- --serve).
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
  test: {
    root,
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
