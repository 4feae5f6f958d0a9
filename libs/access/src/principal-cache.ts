// A short-lived cache of whom a bearer token or an API key stands for (ACCESS_CACHE_SECONDS), so a
// request is not one more database round trip before its work. Entries are tagged with what they
// depend on (the user, the token, the key); an access change (a user disabled or changed, a token
// revoked, a key revoked) drops every entry it touches at once, in every api process: PostgreSQL
// notifies them (migration 1765910000000), and the cache serves nothing while it cannot hear those
// notifications (`live` false: not yet connected, or the connection lost), so a change is never
// missed, only the cache bypassed.

export type AccessChange =
  | { kind: 'user'; id: string }
  | { kind: 'token'; id: string } // the token's hash
  | { kind: 'apiKey'; id: string };

// The PostgreSQL channel the access tables' triggers notify on (payload: an AccessChange as JSON).
export const ACCESS_CHANGES_CHANNEL = 'lianjian_access';

export const accessTag = (c: AccessChange): string => `${c.kind}:${c.id}`;

// An AccessChange from a notification's payload, undefined when it is not one.
export function parseAccessChange(payload: string | undefined): AccessChange | undefined {
  try {
    const v = JSON.parse(payload ?? '') as { kind?: unknown; id?: unknown };
    if ((v.kind === 'user' || v.kind === 'token' || v.kind === 'apiKey') && typeof v.id === 'string')
      return { kind: v.kind, id: v.id };
  } catch {
    // not an access change
  }
  return undefined;
}

interface Entry<V> {
  value: V;
  until: number;
  tags: string[];
}

export class PrincipalCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly byTag = new Map<string, Set<string>>();
  private live = false;
  // Counts invalidations: a lookup that began before one may not store what it read.
  private generationNo = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0 && this.live;
  }

  get generation(): number {
    return this.generationNo;
  }

  // Whether invalidations are being received. Either way the cache starts empty: while it was not
  // live, changes may have been missed.
  setLive(live: boolean): void {
    this.live = live;
    this.clear();
  }

  get(key: string): V | undefined {
    if (!this.enabled) return undefined;
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= this.now()) {
      this.delete(key);
      return undefined;
    }
    return e.value;
  }

  // Stores what a lookup that began at `generation` found, unless an invalidation came since;
  // notAfter (ms since the epoch) bounds the entry (a token's expiry).
  set(key: string, value: V, tags: string[], generation: number, notAfter = Infinity): void {
    if (!this.enabled || generation !== this.generationNo) return;
    if (this.entries.size >= this.maxEntries) this.clear();
    this.delete(key);
    this.entries.set(key, { value, until: Math.min(this.now() + this.ttlMs, notAfter), tags });
    for (const t of tags) {
      let keys = this.byTag.get(t);
      if (!keys) this.byTag.set(t, (keys = new Set()));
      keys.add(key);
    }
  }

  invalidate(change: AccessChange): void {
    this.generationNo++;
    const keys = this.byTag.get(accessTag(change));
    if (keys) for (const k of [...keys]) this.delete(k);
  }

  clear(): void {
    this.generationNo++;
    this.entries.clear();
    this.byTag.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    for (const t of e.tags) {
      const keys = this.byTag.get(t);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(t);
    }
  }
}
