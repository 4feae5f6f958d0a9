// Completes package-lock.json with the platform-specific optional binaries this machine's registry
// mirror does not serve (it serves linux x64/arm64 only). A lock written against the public registry
// records them with their os/cpu so npm skips them on other platforms; without them `npm ci` refuses
// the lock ("Missing: @swc/core-darwin-arm64@ from lock file"). Run after changing dependencies:
//   npm install && node scripts/complete-lockfile.js
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const OS = [
  'darwin',
  'linux',
  'win32',
  'android',
  'freebsd',
  'openbsd',
  'netbsd',
  'sunos',
  'aix',
  'openharmony',
];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  if (!cpu) return undefined; // not a platform binary: leave it to npm
  const out = {};
  if (os) out.os = [os];
  out.cpu = [cpu];
  if (parts.includes('musl')) out.libc = ['musl'];
  else if (parts.includes('gnu') || parts.includes('gnueabihf')) out.libc = ['glibc'];
  return out;
}

function resolves(from, name) {
  // npm's lookup: node_modules of the dependent, then of each ancestor, then the top.
  let dir = from;
  for (;;) {
    const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[key]) return true;
    const i = dir.lastIndexOf('/node_modules/');
    if (!dir) return false;
    dir = i >= 0 ? dir.slice(0, i) : '';
  }
}

let added = 0;
for (const [loc, pkg] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    if (resolves(loc, name)) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+/.test(version)) continue;
    lock.packages[`node_modules/${name}`] = {
      version,
      ...(pkg.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: recorded ${added} platform binaries the registry mirror does not serve`);
