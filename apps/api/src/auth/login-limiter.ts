import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Redis } from 'ioredis';
import { ServiceUnavailableError, TooManyRequestsError } from '@lianjian/common';

// Sign-in attempts are counted in Redis (so every API process shares the count) per client address
// and per user name, and each attempt is reserved there, atomically, before its password is verified:
// however many guesses arrive at once, no more are verified than the limits allow. Attempts are
// delayed, never locked: after LOGIN_MAX_FAILURES attempts per user name (4× per address) each
// further one waits 1 s, 2 s, 4 s … up to LOGIN_MAX_DELAY_SECONDS per user name and
// LOGIN_WINDOW_MINUTES per address, answered 429 with Retry-After. A refused attempt is not counted,
// so a stranger cannot make the wait grow by asking more often. From an address a user has signed
// in from before (30 days), the user name's attempts are counted apart from everyone else's: a
// stranger elsewhere cannot delay the real user there at all. A success clears its count.

// KEYS: 1 the address, 2 the user name, 3 the user name from this address, 4 "the user signed in
// from this address". ARGV: 1 window (ms), 2 free attempts per address, 3 per user name, 4 longest
// wait per address (ms), 5 per user name (ms). Each key is a hash { n: attempts, t: last one (ms) }.
// Answers { reserved 0|1, wait (ms), user key index, attempts per address, per user name }.
const RESERVE = `
local tm = redis.call('TIME')
local now = tonumber(tm[1]) * 1000 + math.floor(tonumber(tm[2]) / 1000)
local window = tonumber(ARGV[1])
local function waitOf(n, free, cap)
  if n < free then return 0 end
  if n - free > 40 then return cap end
  return math.min(cap, 1000 * 2 ^ (n - free))
end
local userIndex = 2
if redis.call('EXISTS', KEYS[4]) == 1 then userIndex = 3 end
local keys = { KEYS[1], KEYS[userIndex] }
local free = { tonumber(ARGV[2]), tonumber(ARGV[3]) }
local cap = { tonumber(ARGV[4]), tonumber(ARGV[5]) }
local counts = {}
local left = 0
for i = 1, 2 do
  local s = redis.call('HMGET', keys[i], 'n', 't')
  counts[i] = tonumber(s[1]) or 0
  local ends = (tonumber(s[2]) or 0) + waitOf(counts[i], free[i], cap[i])
  if ends - now > left then left = ends - now end
end
if left > 0 then return { 0, math.ceil(left), userIndex, counts[1], counts[2] } end
for i = 1, 2 do
  local n = counts[i] + 1
  redis.call('HSET', keys[i], 'n', n, 't', now)
  redis.call('PEXPIRE', keys[i], math.floor(window + waitOf(n, free[i], cap[i])))
end
return { 1, 0, userIndex, counts[1] + 1, counts[2] + 1 }
`;

// An attempt that was never verified (the hashing was refused) gives its reservation back.
const RELEASE = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 and redis.call('HINCRBY', KEYS[i], 'n', -1) <= 0 then
    redis.call('DEL', KEYS[i])
  end
end
return 0
`;

const KNOWN_ADDRESS_MS = 30 * 24 * 3600 * 1000;

// A reserved attempt: what to settle once the password was verified (or not).
export interface LoginAttempt {
  readonly addressKey: string;
  readonly userKey: string;
  readonly knownKey: string;
}

@Injectable()
export class LoginLimiter implements OnModuleDestroy {
  private readonly log = new Logger('LoginLimiter');
  private readonly redis: Redis;
  private connecting: Promise<void> | undefined;
  private readonly prefix: string;
  private readonly freePerUser: number;
  private readonly windowMs: number;
  private readonly maxUserDelayMs: number;

  constructor(config: ConfigService) {
    this.redis = new Redis(config.getOrThrow<string>('REDIS_URL'), {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
    });
    this.redis.on('error', () => undefined); // a down Redis refuses logins below, with a clear 503
    this.prefix = `${config.getOrThrow<string>('QUEUE_PREFIX')}:login`;
    this.freePerUser = config.getOrThrow<number>('LOGIN_MAX_FAILURES');
    this.windowMs = config.getOrThrow<number>('LOGIN_WINDOW_MINUTES') * 60_000;
    this.maxUserDelayMs = Math.min(
      config.getOrThrow<number>('LOGIN_MAX_DELAY_SECONDS') * 1000,
      this.windowMs,
    );
  }

  // Attempts cannot be counted while Redis is unreachable: sign-in is refused (503) rather than
  // letting password guessing go unlimited.
  private async redisDo<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
    try {
      // One connection attempt shared by every caller: a burst of first sign-ins would otherwise
      // find the connection still opening and, with no offline queue, fail.
      if (this.redis.status === 'wait')
        this.connecting = this.redis.connect().finally(() => (this.connecting = undefined));
      await this.connecting;
      return await fn(this.redis);
    } catch {
      throw new ServiceUnavailableError(
        'sign-in is unavailable while Redis is unreachable; try again shortly / 登录服务暂不可用，请稍后再试',
        5,
      );
    }
  }

  // Counts the attempt before its password is verified, or refuses it (429) while it must wait.
  async reserve(username: string, client: string): Promise<LoginAttempt> {
    const name = username.toLowerCase();
    const keys = [
      `${this.prefix}:ip:${client}`,
      `${this.prefix}:user:${name}`,
      `${this.prefix}:pair:${name}:${client}`,
      `${this.prefix}:known:${name}:${client}`,
    ];
    const [reserved, waitMs, userIndex, byAddress, byUser] = await this.redisDo(
      (r) =>
        r.eval(
          RESERVE,
          keys.length,
          ...keys,
          this.windowMs,
          this.freePerUser * 4,
          this.freePerUser,
          this.windowMs,
          this.maxUserDelayMs,
        ) as Promise<number[]>,
    );
    if (!reserved) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new TooManyRequestsError(
        `too many failed sign-ins; try again in ${seconds} s / 登录失败次数过多，请 ${seconds} 秒后再试`,
        seconds,
      );
    }
    // Once per burst, when waiting starts: operators see who is being guessed at, and from where
    // (the user name quoted, so a name with line breaks cannot forge log lines).
    if (byAddress === this.freePerUser * 4)
      this.log.warn(`sign-in attempts from ${client} reached ${byAddress}: further attempts wait`);
    if (byUser === this.freePerUser)
      this.log.warn(
        `sign-in attempts for ${JSON.stringify(username)} reached ${byUser}: further attempts wait`,
      );
    return { addressKey: keys[0], userKey: keys[userIndex - 1], knownKey: keys[3] };
  }

  // The password was right: the user name's count is cleared, the address gets its attempt back,
  // and the address is remembered as the user's.
  async succeeded(a: LoginAttempt): Promise<void> {
    await this.redisDo(async (r) => {
      await r.eval(RELEASE, 1, a.addressKey);
      await r.multi().del(a.userKey).set(a.knownKey, '1', 'PX', KNOWN_ADDRESS_MS).exec();
    });
  }

  // The password was never verified (hashing refused, database down): not counted.
  async release(a: LoginAttempt): Promise<void> {
    await this.redisDo((r) => r.eval(RELEASE, 2, a.addressKey, a.userKey));
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
