/**
 * Every AWS call of the EKS source, retries included, goes through the quota: the SDK clients are built
 * with maxAttempts 1, and this loop retries throttling, 5xx and network failures with exponential
 * backoff and full jitter, taking a quota slot for each attempt. Other errors are returned at once.
 */
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { Quota } from '../quota.js';

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  attempts: number;
  /** Backoff base for 5xx and network errors; attempt n waits up to base * 2^n (full jitter). */
  baseDelayMs: number;
  /** Backoff base after a throttle: the quota is shared with whatever else uses the account. */
  throttleBaseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 10, baseDelayMs: 200, throttleBaseDelayMs: 1000, maxDelayMs: 20_000 };

export interface CallCounters {
  requests: number;
  throttled: number;
  server_errors: number;
  network_errors: number;
  retries: number;
}

export const emptyCallCounters = (): CallCounters => ({ requests: 0, throttled: 0, server_errors: 0, network_errors: 0, retries: 0 });

type Classified = 'throttle' | 'server' | 'network' | 'fatal';

export function classify(err: unknown): Classified {
  if (!err || typeof err !== 'object') return 'fatal';
  const e = err as Parameters<typeof isThrottlingError>[0];
  if ((err as Error).name === 'AbortError') return 'fatal';
  if (isThrottlingError(e)) return 'throttle';
  const status = e.$metadata?.httpStatusCode;
  if (isServerError(e) || (status !== undefined && status >= 500)) return 'server';
  if (isTransientError(e)) return status === undefined ? 'network' : 'server';
  return 'fatal';
}

/** Thrown when the attempts run out; `last` is the final error. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  constructor(
    readonly attempts: number,
    readonly last: unknown,
    readonly kind: Classified,
  ) {
    super(`gave up after ${attempts} attempts (${kind === 'throttle' ? 'throttled' : kind === 'server' ? 'server errors' : 'network errors'}): ${(last as Error)?.message ?? String(last)}`, {
      cause: last,
    });
  }
}

export async function callWithRetry<T>(
  quota: Quota,
  fn: () => Promise<T>,
  policy: RetryPolicy,
  counters: CallCounters,
  signal: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    try {
      return await quota.run(() => {
        counters.requests++;
        return fn();
      });
    } catch (err) {
      signal.throwIfAborted();
      const kind = classify(err);
      if (kind === 'fatal') throw err;
      if (kind === 'throttle') counters.throttled++;
      else if (kind === 'server') counters.server_errors++;
      else counters.network_errors++;
      if (attempt >= policy.attempts) throw new RetriesExhaustedError(attempt, err, kind);
      counters.retries++;
      const base = kind === 'throttle' ? policy.throttleBaseDelayMs : policy.baseDelayMs;
      await sleep(Math.random() * Math.min(policy.maxDelayMs, base * 2 ** (attempt - 1)), signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
