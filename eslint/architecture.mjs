// Architecture rules of the monorepo, checked by eslint so they stay true:
// - an app never imports another app (shared code belongs in a lib);
// - a lib never imports an app;
// - a lib is reached through its alias (@lianjian/<lib>), never by a relative path from outside it,
//   and never through its own alias from inside it;
// - pure cores (scoring, rule evaluation, validation, routing, reference data, …) import no Nest,
//   TypeORM, pg, Redis or BullMQ, nor a lib whose index brings them in, so they load and test in
//   milliseconds and run the same in the API, the worker and the tools. `import type` is allowed:
//   it is erased at compile time.
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

// 'apps/api', 'libs/rules', or the top-level folder ('test', 'bench', 'tools', …).
function unitOf(file) {
  const parts = path.relative(ROOT, file).split(path.sep);
  if ((parts[0] === 'apps' || parts[0] === 'libs') && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0];
}

const INFRASTRUCTURE = [
  /^@nestjs\//,
  /^typeorm($|\/)/,
  /^pg($|-|\/)/,
  /^bullmq($|\/)/,
  /^ioredis($|\/)/,
  // Libs whose index exports Nest providers, repositories or queues.
  /^@lianjian\/(database|queue|delivery|ingestion|testing|scoring|rules|seed|cases|observability)($|\/)/,
  // Metrics and log clients: pure cores count through the Metrics port of @lianjian/common.
  /^(prom-client|pino|pino-http|nestjs-pino)($|\/)/,
];

function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specs = node.specifiers ?? [];
  return specs.length > 0 && specs.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

// Calls `check(node, source, typeOnly)` for every static import/export-from, dynamic import() and
// require() with a literal path.
function visitImports(check) {
  const fromDeclaration = (node) => node.source && check(node, node.source.value, isTypeOnly(node));
  return {
    ImportDeclaration: fromDeclaration,
    ExportNamedDeclaration: fromDeclaration,
    ExportAllDeclaration: fromDeclaration,
    ImportExpression(node) {
      if (node.source.type === 'Literal' && typeof node.source.value === 'string')
        check(node, node.source.value, false);
    },
    CallExpression(node) {
      const [arg] = node.arguments;
      if (
        node.callee.type === 'Identifier' &&
        node.callee.name === 'require' &&
        arg?.type === 'Literal' &&
        typeof arg.value === 'string'
      )
        check(node, arg.value, false);
    },
  };
}

const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'no app imports another app, no lib imports an app, libs only by alias' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = unitOf(file);
    return visitImports((node, source) => {
      const alias = /^@lianjian\/([^/]+)/.exec(source)?.[1];
      if (alias && from === `libs/${alias}`)
        return context.report({
          node,
          message: `${from} imports itself through @lianjian/${alias}: use a relative path inside a lib.`,
        });
      if (!source.startsWith('.')) return;
      const to = unitOf(path.resolve(path.dirname(file), source));
      if (to === from) return;
      let message;
      if (from.startsWith('apps/') && to.startsWith('apps/'))
        message = `${from} must not import ${to}: move what both need into a lib (libs/*).`;
      else if (from.startsWith('libs/') && to.startsWith('apps/'))
        message = `${from} must not import the app ${to}: a lib never depends on an app.`;
      else if (to.startsWith('libs/'))
        message = `Import ${to} through its alias @lianjian/${to.slice('libs/'.length)}, not by a relative path.`;
      if (message) context.report({ node, message });
    });
  },
};

const pureCore = {
  meta: {
    type: 'problem',
    docs: { description: 'pure cores import no Nest, TypeORM, pg, Redis or BullMQ' },
    schema: [],
  },
  create(context) {
    return visitImports((node, source, typeOnly) => {
      if (typeOnly) return;
      if (INFRASTRUCTURE.some((re) => re.test(source)))
        context.report({
          node,
          message: `A pure core must not import '${source}' (Nest, TypeORM, pg, Redis, BullMQ or a lib that brings them): pass what it needs in, or move this code to a service.`,
        });
    });
  },
};

export const architecture = { rules: { boundaries, 'pure-core': pureCore } };

// The pure cores: plain functions and data, no framework or I/O to a server.
// Outside them: the province writer of libs/seed (seed-province.ts), which stores through the bulk
// ingest path.
export const PURE_CORES = [
  'libs/domain/src/**/*.ts',
  'libs/reference/src/**/*.ts',
  'libs/access/src/**/*.ts',
  'libs/cases/src/case-state.ts',
  'libs/cases/src/case-types.ts',
  'libs/cases/src/case-feedback.ts',
  'libs/scoring/src/profile/**/*.ts',
  'libs/scoring/src/scorecard/**/*.ts',
  'libs/scoring/src/fit/**/*.ts',
  'libs/scoring/src/evaluation/**/*.ts',
  'libs/rules/src/rule-evaluation.ts',
  'libs/rules/src/rule-validation.ts',
  'libs/rules/src/rule-definition.schema.ts',
  'libs/rules/src/rule-fields.ts',
  'libs/rules/src/rule-context.ts',
  'libs/rules/src/vocabulary-labels.ts',
  'libs/rules/src/routing/**/*.ts',
  'libs/rules/src/backtest/backtest.ts',
  'libs/ingestion/src/files/**/*.ts',
  'libs/seed/src/**/*.ts',
  'libs/delivery/src/backoff.ts',
  'libs/delivery/src/attempt-outcome.ts',
  'libs/delivery/src/webhook-signature.ts',
  'libs/delivery/src/secret-cipher.ts',
  'libs/common/src/**/*.ts',
];
