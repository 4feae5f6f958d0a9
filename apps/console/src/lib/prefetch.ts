// Data asked for before the screen that shows it has rendered: the risk list asks for an entity's
// profile on the click that opens it, so the API calls run while the browser switches screens (the
// list unmounting, the profile's first render) instead of after. A prefetched answer is taken once,
// and only while fresh: a profile opened again later asks the API again.
export interface Prefetch<T> {
  // Starts the fetch for the key now (a failure surfaces to whoever takes it).
  start(key: string): void;
  // The prefetched promise if one is fresh, else a new fetch; either way the entry is used up.
  take(key: string): Promise<T>;
}

export function prefetcher<T>(
  fetch: (key: string) => Promise<T>,
  options: { freshMs?: number; max?: number; now?: () => number } = {},
): Prefetch<T> {
  const freshMs = options.freshMs ?? 10_000;
  const max = options.max ?? 4;
  const now = options.now ?? Date.now;
  const started = new Map<string, { at: number; promise: Promise<T> }>();
  return {
    start(key) {
      const promise = fetch(key);
      promise.catch(() => undefined); // not unhandled while nobody has taken it yet
      started.delete(key);
      started.set(key, { at: now(), promise });
      for (const k of started.keys()) {
        if (started.size <= max) break;
        started.delete(k);
      }
    },
    take(key) {
      const s = started.get(key);
      started.delete(key);
      return s && now() - s.at <= freshMs ? s.promise : fetch(key);
    },
  };
}

// A value per key fetched once for the page's life (e.g. a scoring model's scale: the same for every
// entity scored by it), readable at once after it arrived.
export interface Memo<T> {
  get(key: string): Promise<T>;
  peek(key: string): T | undefined;
}

export function memo<T>(fetch: (key: string) => Promise<T>): Memo<T> {
  const pending = new Map<string, Promise<T>>();
  const done = new Map<string, T>();
  return {
    get(key) {
      let p = pending.get(key);
      if (!p) {
        p = fetch(key).then(
          (v) => {
            done.set(key, v);
            return v;
          },
          (e: unknown) => {
            pending.delete(key); // a failure is not remembered: the next profile asks again
            throw e;
          },
        );
        pending.set(key, p);
      }
      return p;
    },
    peek: (key) => done.get(key),
  };
}
