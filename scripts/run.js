// Runs a compiled entry point with the @lianjian/* path aliases resolved to dist/libs: the product's
// entries from dist/ (npm run build), the benchmarks' and tools' from dist-tools/ (npm run build:tools,
// which builds the product first: they start its api and worker).
// Usage: node scripts/run.js apps/api/src/main [args…]   |   node scripts/run.js bench/ingest [args…]
const path = require('node:path');
const fs = require('node:fs');

const root = path.join(__dirname, '..');
const entry = process.argv[2];
const tool = /^(bench|tools)\//.test(entry ?? '');
const file = entry && path.join(root, tool ? 'dist-tools' : 'dist', `${entry}.js`);
if (!entry || !fs.existsSync(file)) {
  console.error(`${file ?? 'an entry'} is missing: run "npm run ${tool ? 'build:tools' : 'build'}" first`);
  process.exit(1);
}
require('./register-paths');
// The entry sees its own arguments as process.argv[2…].
process.argv.splice(1, 2, file);
require(file);
