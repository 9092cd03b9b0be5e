/**
 * Provider quotas, shared by every cluster that draws on the same one (CloudWatch: account + region;
 * Cloud Logging: project; Log Analytics: identity). A quota is a rate (calls per interval, enforced
 * strictly over every sliding window, measured when each call starts) and a concurrency cap. Retries are
 * calls too: they go through it.
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
  /** How long a call asking now would wait for the rate (0: it could start at once). */
  delayMs(): number;
  /** Calls made so far. */
  readonly calls: number;
  /** Adopt `spec` where it is stricter (fewer calls per the same interval, fewer at once). */
  tighten(spec: QuotaSpec): void;
}

// A little extra spacing keeps network jitter from putting limit+1 calls into one of the provider's windows.
const MARGIN = 1.02;

export function createQuota(scope: string, first: QuotaSpec): Quota {
  let spec = { ...first };
  const window = new SlidingWindow(spec.limit, Math.ceil(spec.intervalMs * MARGIN));
  const limit = pLimit(spec.concurrency);
  let calls = 0;
  return {
    scope,
    get spec() {
      return spec;
    },
    tighten(other: QuotaSpec) {
      // Only a lower limit over the same interval is unambiguously stricter (a sliding window of 60 per
      // minute allows bursts that 4 per second forbids); the providers' settings share their unit.
      if (other.intervalMs === spec.intervalMs && other.limit < spec.limit) {
        spec = { ...spec, limit: other.limit };
        window.limit = other.limit;
      }
      if (other.concurrency < spec.concurrency) {
        spec = { ...spec, concurrency: other.concurrency };
        limit.concurrency = other.concurrency;
      }
    },
    run: <T>(fn: () => Promise<T>) =>
      limit(async () => {
        await window.acquire();
        calls++;
        return fn();
      }),
    delayMs: () => window.delayMs(),
    get calls() {
      return calls;
    },
  };
}

/**
 * At most `limit` starts in any `interval` ms, counted at the moment each call actually starts. (A
 * throttle that books future time slots lets a call that starts late, because the event loop was busy
 * parsing a large response, crowd the next window: measured at the provider that is limit+1 calls.)
 */
class SlidingWindow {
  private readonly starts: number[] = [];
  private readonly waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Lowered when a stricter setting joins the scope (calls already started keep counting). */
    public limit: number,
    private readonly interval: number,
  ) {}

  delayMs(): number {
    const now = performance.now();
    const live = this.starts.filter((t) => now - t < this.interval);
    const ahead = live.length + this.waiting.length;
    if (ahead < this.limit) return 0;
    const freeing = live[live.length - this.limit + this.waiting.length];
    return freeing === undefined ? this.interval : Math.max(0, freeing + this.interval - now);
  }

  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.pump();
    });
  }

  private pump(): void {
    if (this.timer) return;
    while (this.waiting.length) {
      const now = performance.now();
      while (this.starts.length && now - this.starts[0]! >= this.interval) this.starts.shift();
      if (this.starts.length >= this.limit) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, Math.max(1, Math.ceil(this.starts[0]! + this.interval - now)));
        return;
      }
      this.starts.push(now);
      this.waiting.shift()!();
    }
  }
}

/**
 * One quota per scope for the whole run. Clusters sharing a scope may configure it differently (say
 * requestsPerSecond on one EKS cluster of an account): the strictest setting wins, whichever cluster
 * starts first (settings over different intervals, such as a test's shorter clock, keep the first).
 */
export class QuotaRegistry {
  private readonly quotas = new Map<string, Quota>();

  get(scope: string, spec: QuotaSpec): Quota {
    let q = this.quotas.get(scope);
    if (!q) {
      q = createQuota(scope, spec);
      this.quotas.set(scope, q);
    } else {
      q.tighten(spec);
    }
    return q;
  }

  all(): Quota[] {
    return [...this.quotas.values()];
  }
}
