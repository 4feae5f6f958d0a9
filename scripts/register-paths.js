// Resolves the @lianjian/* path aliases to dist/libs for compiled code (entry points and worker threads).
const path = require('node:path');
const fs = require('node:fs');

const root = path.join(__dirname, '..');
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
require('tsconfig-paths').register({ baseUrl: path.join(root, 'dist'), paths: compilerOptions.paths });
