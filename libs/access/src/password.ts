import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Passwords are hashed with scrypt (memory-hard, in Node's crypto, no native add-on): N = 2^15,
// r = 8, p = 1 takes 32 MiB and ~50-100 ms per hash. The parameters are stored with the hash so
// they can be raised later without invalidating existing passwords.
const DEFAULT = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };

function derive(password: string, salt: Buffer, o: ScryptOptions & { keylen: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFC'),
      salt,
      o.keylen,
      { N: o.N, r: o.r, p: o.p, maxmem: 256 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

export async function hashPassword(password: string, params = DEFAULT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    keylen: expected.length,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

// A hash of a password nobody has, so an unknown username costs the same time as a wrong password.
export const DUMMY_PASSWORD_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

// 等保2.0 password complexity: at least 12 characters (long passphrases are fine), three of the four
// classes upper-case, lower-case, digit and symbol (anything else: a space or a Chinese character
// counts), and not the user name. Say what is wrong, never echo the password.
export function passwordProblems(password: string, username?: string): string[] {
  const problems: string[] = [];
  if (password.length < 12) problems.push('password must be at least 12 characters / 密码至少 12 个字符');
  if (password.length > 256) problems.push('password must be at most 256 characters / 密码最多 256 个字符');
  const classes = [/\p{Lu}/u, /\p{Ll}/u, /\p{Nd}/u, /[^\p{Lu}\p{Ll}\p{Nd}]/u].filter((c) => c.test(password));
  if (classes.length < 3)
    problems.push(
      'password must mix three of: upper-case letters, lower-case letters, digits, symbols / 密码须包含大写字母、小写字母、数字、符号中的至少三类',
    );
  if (username && password.toLowerCase().includes(username.toLowerCase()))
    problems.push('password must not contain the user name / 密码不得包含用户名');
  return problems;
}
