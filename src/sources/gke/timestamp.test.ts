import { describe, expect, it } from 'vitest';
import { formatRfc3339, fromProtoTimestamp, parseRfc3339, toProtoTimestamp } from './timestamp.js';

describe('nanosecond timestamps', () => {
  it('formats with 0, 3, 6 or 9 fractional digits, as proto3 JSON does', () => {
    const s = 1763636400n * 1_000_000_000n; // 2025-11-20T11:00:00Z
    expect(formatRfc3339(s)).toBe('2025-11-20T11:00:00Z');
    expect(formatRfc3339(s + 120_000_000n)).toBe('2025-11-20T11:00:00.120Z');
    expect(formatRfc3339(s + 123_456_000n)).toBe('2025-11-20T11:00:00.123456Z');
    expect(formatRfc3339(s + 7n)).toBe('2025-11-20T11:00:00.000000007Z');
  });

  it('parses every fraction length and offsets, and refuses what is not RFC 3339', () => {
    expect(parseRfc3339('2021-04-23T14:47:31.94822935Z')).toBe(1619189251948229350n);
    expect(parseRfc3339('2021-04-23T16:47:31.5+02:00')).toBe(1619189251500000000n);
    expect(parseRfc3339('2021-04-23')).toBeUndefined();
    expect(parseRfc3339('yesterday')).toBeUndefined();
  });

  it('round-trips protobuf Timestamps, before 1970 too', () => {
    for (const n of [0n, 1619189251948229350n, -1n, -1_500_000_000n]) expect(fromProtoTimestamp(toProtoTimestamp(n))).toBe(n);
    expect(fromProtoTimestamp({ seconds: '1619189251', nanos: 948229350 })).toBe(1619189251948229350n);
    expect(formatRfc3339(-1_500_000_000n)).toBe('1969-12-31T23:59:58.500Z');
  });
});

describe('Timestamp to JSON (the per-entry fast path)', () => {
  it('agrees with formatRfc3339 across seconds, fractions and dates before 1970', async () => {
    const { timestampToJson } = await import('./proto-json.js');
    for (const n of [0n, 1n, 999_999_999n, 1_000_000_000n, 1619189251948229350n, 1619189251948229000n, 1619189251948000000n, 1619189252000000000n, -1_500_000_000n, 253402300799999999999n])
      expect(timestampToJson(toProtoTimestamp(n))).toBe(formatRfc3339(n));
  });
});
