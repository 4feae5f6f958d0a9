// Runs a compiled entry point of dist/ with the @lianjian/* path aliases resolved to dist/libs.
// Usage: node scripts/run.js apps/api/src/main [args…]
const path = require('node:path');
const fs = require('node:fs');

const root = path.join(__dirname, '..');
const entry = process.argv[2];
const file = path.join(root, 'dist', `${entry}.js`);
if (!entry || !fs.existsSync(file)) {
  console.error(`${file} is missing: run "npm run build" first`);
  process.exit(1);
}
require('./register-paths');
// The entry sees its own arguments as process.argv[2…].
process.argv.splice(1, 2, file);
require(file);
