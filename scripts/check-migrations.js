#!/usr/bin/env node
// A committed migration never changes: an install that ran it would never see the change (TypeORM
// runs a migration once, by name). The manifest holds the sha256 of every migration file; this
// fails, naming the file, when a listed migration was changed or deleted, when a migration file is
// not listed, or when a listed one is not registered in data-source.ts.
// Usage: node scripts/check-migrations.js          check (CI, npm run migrations:check)
//        node scripts/check-migrations.js --add    list new migration files; never rewrites an entry
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const DIR = 'libs/database/src/migrations';
const MANIFEST = 'libs/database/migrations.sha256';
const DATA_SOURCE = 'libs/database/src/data-source.ts';
const NAME = /^\d{13}-[a-z0-9]+(-[a-z0-9]+)*\.ts$/;
const HEADER = [
  `# sha256 of each committed migration in ${DIR} (LF line endings).`,
  '# Never edit a line: a change to the schema is a new migration, listed with',
  '# `node scripts/check-migrations.js --add`.',
];

// CRLF counts as LF, so a Windows checkout hashes like the repository.
const hashOf = (file) =>
  crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(root, DIR, file), 'utf8').replace(/\r\n/g, '\n'))
    .digest('hex');

function readManifest() {
  const entries = new Map();
  const text = fs.existsSync(path.join(root, MANIFEST))
    ? fs.readFileSync(path.join(root, MANIFEST), 'utf8')
    : '';
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (!m) throw new Error(`${MANIFEST}: cannot read the line "${line}"`);
    entries.set(m[2], m[1]);
  }
  return entries;
}

const manifest = readManifest();
const files = fs
  .readdirSync(path.join(root, DIR))
  .filter((f) => f.endsWith('.ts'))
  .sort();
const dataSource = fs.readFileSync(path.join(root, DATA_SOURCE), 'utf8');

const problems = [];
for (const [file, hash] of manifest) {
  if (!files.includes(file)) {
    problems.push(`${DIR}/${file} was deleted or renamed: a committed migration stays as it is.`);
  } else if (hashOf(file) !== hash) {
    problems.push(
      `${DIR}/${file} was changed: a committed migration is never edited (installs that ran it would ` +
        `never get the change). Undo the edit (git checkout -- ${DIR}/${file}) and write the change as ` +
        `a new migration.`,
    );
  }
}
const unlisted = files.filter((f) => !manifest.has(f));

if (process.argv.includes('--add')) {
  const last = [...manifest.keys()].sort().pop() ?? '';
  for (const file of unlisted) {
    if (!NAME.test(file))
      problems.push(`${DIR}/${file}: a migration is named <13-digit timestamp>-<kebab-name>.ts`);
    // On a fresh install migrations run in timestamp order, on an existing one after the others.
    if (file < last) problems.push(`${DIR}/${file} sorts before ${last}: give it a later timestamp.`);
  }
  if (problems.length) fail('nothing added');
  if (!unlisted.length) {
    console.log(`migrations: nothing to add (${manifest.size} listed in ${MANIFEST})`);
    process.exit(0);
  }
  for (const file of unlisted) manifest.set(file, hashOf(file));
  const lines = [...manifest.keys()].sort().map((file) => `${manifest.get(file)}  ${file}`);
  fs.writeFileSync(path.join(root, MANIFEST), [...HEADER, ...lines, ''].join('\n'));
  console.log(`migrations: added ${unlisted.join(', ')} to ${MANIFEST}`);
  process.exit(0);
}

for (const file of unlisted) {
  problems.push(
    `${DIR}/${file} is not in ${MANIFEST}. A new migration? List it: node scripts/check-migrations.js --add`,
  );
}
for (const file of manifest.keys()) {
  if (files.includes(file) && !dataSource.includes(`'./migrations/${file.replace(/\.ts$/, '')}'`)) {
    problems.push(`${DIR}/${file} is not imported in ${DATA_SOURCE}: it would never run.`);
  }
}
if (problems.length) fail(`${MANIFEST} does not match`);
console.log(`migrations: ${files.length} files match ${MANIFEST}`);

function fail(summary) {
  console.error(`migrations: ${summary}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
