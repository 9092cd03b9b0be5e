/**
 * One Google API call under a quota, retried on the errors that pass: RESOURCE_EXHAUSTED (quota),
 * UNAVAILABLE, DEADLINE_EXCEEDED and INTERNAL. Every attempt goes through the limiter; gax's own retries
 * are switched off by the callers (`retry: null`) so none can bypass it. Backoff is exponential with
 * jitter, so clusters throttled together do not come back together.
 */
import type { Quota } from '../quota.js';

export const GRPC = {
  OK: 0,
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(GRPC).map(([k, v]) => [v, k]));

export const RETRYABLE_CODES: ReadonlySet<number> = new Set([GRPC.RESOURCE_EXHAUSTED, GRPC.UNAVAILABLE, GRPC.DEADLINE_EXCEEDED, GRPC.INTERNAL]);

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 8, baseDelayMs: 2000, maxDelayMs: 64_000 };

/** The gRPC status code of an error from a Google client, if it has one. */
export function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export function grpcCodeName(code: number | undefined): string {
  return code === undefined ? 'no status' : (NAMES[code] ?? `code ${code}`);
}

/** The server's own words, without the client's "8 RESOURCE_EXHAUSTED:" prefix. */
export function grpcDetails(err: unknown): string {
  const e = err as { details?: unknown; message?: unknown } | null;
  const text = typeof e?.details === 'string' && e.details ? e.details : String(e?.message ?? err);
  return text.replace(/^\d+ [A-Z_]+: /, '');
}

export class RetriesExhausted extends Error {
  override readonly name = 'RetriesExhausted';
  constructor(
    readonly code: number | undefined,
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(`${grpcCodeName(code)} on all ${attempts} attempts: ${grpcDetails(options.cause)}`, options);
  }
}

export interface RetryEvents {
  onRetry?(code: number, attempt: number, delayMs: number): void;
}

export async function callWithRetry<T>(
  quota: Quota,
  fn: () => Promise<T>,
  opts: RetryOptions,
  signal: AbortSignal | undefined,
  events: RetryEvents = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await quota.run(fn);
    } catch (err) {
      const code = grpcCode(err);
      if (code === undefined || !RETRYABLE_CODES.has(code)) throw err;
      if (attempt >= opts.attempts) throw new RetriesExhausted(code, attempt, { cause: err });
      const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
      events.onRetry?.(code, attempt, delay);
      await sleep(delay, signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
