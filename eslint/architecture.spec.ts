import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { architecture } from './architecture.mjs';

// The architecture rules on small pieces of code placed (by file name) where they would live.
// Jest runs from the repository root (jest.config.js).
const root = process.cwd();
const linter = new Linter({ configType: 'flat' });
const config = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { lianjian: architecture },
    rules: { 'lianjian/boundaries': 'error', 'lianjian/pure-core': 'error' },
  },
] as Linter.Config[];

function errors(file: string, code: string): string[] {
  return linter.verify(code, config, { filename: join(root, file) }).map((m) => m.message);
}

describe('architecture lint', () => {
  it('refuses an import from one app into another, and from a lib into an app', () => {
    expect(errors('apps/worker/src/x.ts', `import { a } from '../../api/src/bootstrap';`)).toEqual([
      expect.stringContaining('apps/worker must not import apps/api'),
    ]);
    expect(errors('libs/rules/src/x.ts', `const m = require('../../../apps/cli/src/seed');`)).toEqual([
      expect.stringContaining('a lib never depends on an app'),
    ]);
    expect(errors('apps/api/src/a/x.ts', `import { b } from '../b/y';`)).toEqual([]);
  });

  it('refuses a relative path into another lib, and a lib importing its own alias', () => {
    expect(errors('libs/rules/src/x.ts', `export * from '../../domain/src/record/vocabulary';`)).toEqual([
      expect.stringContaining('@lianjian/domain'),
    ]);
    expect(errors('libs/rules/src/x.ts', `import { v } from '@lianjian/domain';`)).toEqual([]);
    expect(errors('libs/access/src/x.ts', `import { ROLES } from '@lianjian/access';`)).toEqual([
      expect.stringContaining('imports itself'),
    ]);
  });

  it('keeps pure cores free of Nest, TypeORM, pg, Redis and BullMQ, but allows type imports', () => {
    expect(
      errors(
        'libs/domain/src/x.ts',
        `import { Injectable } from '@nestjs/common';\nimport { Pool } from 'pg';\nconst q = await import('bullmq');\nimport { RecordRepository } from '@lianjian/database';`,
      ),
    ).toHaveLength(4);
    expect(errors('libs/domain/src/x.ts', `import type { LogLevel } from '@nestjs/common';`)).toEqual([]);
    expect(errors('libs/domain/src/x.ts', `import { type LogLevel } from '@nestjs/common';`)).toEqual([]);
  });
});
