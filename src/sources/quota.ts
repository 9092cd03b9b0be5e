/**
 * Provider quotas, shared by every cluster that draws on the same one (CloudWatch: account + region;
 * Cloud Logging: project; Log Analytics: identity). A quota is a rate (calls per interval, enforced
 * strictly over every sliding window) and a concurrency cap. Retries are calls too: they go through it.
 */
import pLimit from 'p-limit';

export interface QuotaSpec {
  /** Calls allowed per interval. */
  limit: number;
  intervalMs: number;
  /** Calls in flight at once. */
  concurrency: number;
}

export interface Quota {
  readonly scope: string;
  readonly spec: QuotaSpec;
  /** Run `fn` when the quota allows; counts as one call. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Calls made so far. */
  readonly calls: number;
  /** How long a call asking now would wait for the rate (0: it could start at once). */
  delayMs(): number;
}

// A little extra length on the window keeps network jitter from putting limit+1 calls into one of the
// provider's windows.
const MARGIN = 1.02;

/**
 * A sliding-window log: a call starts when fewer than `limit` calls started in the last interval, in
 * the order they asked. Unlike a limiter that spaces calls evenly once saturated, a quota-bound pull
 * gets the provider's whole allowance (e.g. Cloud Logging's 60 calls per minute as soon as it needs
 * them, then the next 60 a minute after the first), never more in any window.
 */
export function createQuota(scope: string, spec: QuotaSpec): Quota {
  const window = Math.ceil(spec.intervalMs * MARGIN);
  const limit = pLimit(spec.concurrency);
  const starts: number[] = [];
  let gate: Promise<void> = Promise.resolve();
  let calls = 0;
  const admit = async (): Promise<void> => {
    for (;;) {
      const now = Date.now();
      while (starts.length && now - starts[0]! >= window) starts.shift();
      if (starts.length < spec.limit) {
        starts.push(now);
        return;
      }
      await new Promise((r) => setTimeout(r, starts[0]! + window - now));
    }
  };
  return {
    scope,
    spec,
    run: <T>(fn: () => Promise<T>) =>
      limit(async () => {
        const turn = gate.then(admit);
        gate = turn;
        await turn;
        calls++;
        return fn();
      }),
    get calls() {
      return calls;
    },
    delayMs() {
      const now = Date.now();
      const live = starts.filter((t) => now - t < window);
      return live.length < spec.limit ? 0 : live[live.length - spec.limit]! + window - now;
    },
  };
}

/** One quota per scope for the whole run, created by the first cluster that asks. */
export class QuotaRegistry {
  private readonly quotas = new Map<string, Quota>();

  get(scope: string, spec: QuotaSpec): Quota {
    let q = this.quotas.get(scope);
    if (!q) {
      q = createQuota(scope, spec);
      this.quotas.set(scope, q);
    }
    return q;
  }

  all(): Quota[] {
    return [...this.quotas.values()];
  }
}
