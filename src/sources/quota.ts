/**
 * Provider quotas, shared by every cluster that draws on the same one (CloudWatch: account + region;
 * Cloud Logging: project; Log Analytics: identity). A quota is a rate (calls per interval, enforced
 * strictly over every sliding window) and a concurrency cap. Retries are calls too: they go through it.
 */
import pLimit from 'p-limit';
import pThrottle from 'p-throttle';

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
}

// Requests leave spaced by interval/limit; a little extra spacing keeps network jitter from putting
// limit+1 calls into one of the provider's windows.
const MARGIN = 1.02;

export function createQuota(scope: string, spec: QuotaSpec): Quota {
  const throttle = pThrottle({ limit: spec.limit, interval: Math.ceil(spec.intervalMs * MARGIN), strict: true });
  const limit = pLimit(spec.concurrency);
  let calls = 0;
  const throttled = throttle(async <T>(fn: () => Promise<T>): Promise<T> => {
    calls++;
    return fn();
  });
  return {
    scope,
    spec,
    run: <T>(fn: () => Promise<T>) => limit(() => throttled(fn) as Promise<T>),
    get calls() {
      return calls;
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
