/**
 * Cloud Logging time with nanosecond precision. Entries carry google.protobuf.Timestamp
 * ({seconds, nanos}); filters and the JSON that gcloud prints use RFC 3339 strings. A JS Date holds
 * milliseconds only, so cursors and window bounds are kept as BigInt nanoseconds since the epoch:
 * entries that share a millisecond stay ordered and a boundary is never rounded past an entry.
 */

/** Nanoseconds since 1970-01-01T00:00:00Z. */
export type Nanos = bigint;

const NS_PER_S = 1_000_000_000n;
const NS_PER_MS = 1_000_000n;

/** A protobuf Timestamp as the gRPC client decodes it (seconds is an int64: string, number or Long). */
export interface ProtoTimestamp {
  seconds?: string | number | { toString(): string } | null;
  nanos?: number | null;
}

export function fromProtoTimestamp(t: ProtoTimestamp): Nanos {
  return BigInt(String(t.seconds ?? 0)) * NS_PER_S + BigInt(t.nanos ?? 0);
}

export function toProtoTimestamp(n: Nanos): { seconds: string; nanos: number } {
  let s = n / NS_PER_S;
  let ns = n % NS_PER_S;
  if (ns < 0n) {
    ns += NS_PER_S;
    s -= 1n;
  }
  return { seconds: s.toString(), nanos: Number(ns) };
}

export function fromDate(d: Date): Nanos {
  return BigInt(d.getTime()) * NS_PER_MS;
}

export function toDate(n: Nanos): Date {
  return new Date(Number(n / NS_PER_MS));
}

export const fromMillis = (ms: number): Nanos => BigInt(Math.round(ms)) * NS_PER_MS;

/**
 * RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits: the proto3 JSON form Cloud Logging (and so
 * gcloud) prints, which keeps every nanosecond that is there.
 */
export function formatRfc3339(n: Nanos): string {
  const { seconds, nanos } = toProtoTimestamp(n);
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  if (nanos === 0) return `${base}Z`;
  const digits = String(nanos).padStart(9, '0');
  const frac = nanos % 1_000_000 === 0 ? digits.slice(0, 3) : nanos % 1000 === 0 ? digits.slice(0, 6) : digits;
  return `${base}.${frac}Z`;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

/** Parse RFC 3339 (any offset, up to 9 fractional digits); undefined when it is not one. */
export function parseRfc3339(text: string): Nanos | undefined {
  const m = RFC3339.exec(text.trim());
  if (!m) return undefined;
  const [, date, hh, mm, ss, frac, zone] = m;
  const ms = Date.parse(`${date}T${hh}:${mm}:${ss}${zone!.toUpperCase() === 'Z' ? 'Z' : zone}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * NS_PER_MS + BigInt((frac ?? '').padEnd(9, '0') || '0');
}
