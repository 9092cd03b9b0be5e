/**
 * proto3 JSON for the well-known types the decoded objects still hold in their wire shape:
 * google.protobuf.Struct / Value / ListValue become plain JSON, Timestamp an RFC 3339 string, Duration
 * "1.5s", Any `{"@type": ...}`. Input is what protobufjs' toObject (or the gRPC client) gives:
 * `{fields: {k: {stringValue: 'x'}}}`, `{seconds, nanos}`, `{type_url, value}`.
 */
import { formatRfc3339, fromProtoTimestamp, type ProtoTimestamp } from './timestamp.js';

type Obj = Record<string, unknown>;

/** google.protobuf.Struct -> JSON object. */
export function structToJson(s: unknown): Obj {
  const out: Obj = {};
  const fields = (s as { fields?: Obj } | null)?.fields;
  if (fields) for (const k of Object.keys(fields)) out[k] = valueToJson(fields[k]);
  return out;
}

/** google.protobuf.Value -> JSON value. */
export function valueToJson(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return null;
  const val = v as Obj;
  // The gRPC client adds the name of the oneof member that is set; protobufjs' own toObject does not.
  const kind = typeof val.kind === 'string' ? val.kind : undefined;
  if (kind ? kind === 'stringValue' : 'stringValue' in val) return val.stringValue;
  if (kind ? kind === 'numberValue' : 'numberValue' in val) return numberToJson(val.numberValue);
  if (kind ? kind === 'boolValue' : 'boolValue' in val) return val.boolValue;
  if (kind ? kind === 'structValue' : 'structValue' in val) return structToJson(val.structValue);
  if (kind ? kind === 'listValue' : 'listValue' in val) return listToJson(val.listValue);
  return null;
}

export function listToJson(l: unknown): unknown[] {
  const values = (l as { values?: unknown[] } | null)?.values;
  return values ? values.map(valueToJson) : [];
}

// proto3 JSON writes NaN and the infinities as strings; protobufjs' `json: true` already did that.
function numberToJson(n: unknown): unknown {
  return typeof n === 'number' && !Number.isFinite(n) ? String(n) : n;
}

// Entries come in timestamp order, so consecutive ones mostly share their second: keep its text.
let lastSeconds = '';
let lastBase = '';

/** google.protobuf.Timestamp -> RFC 3339 with 0, 3, 6 or 9 fractional digits (hot: twice per entry). */
export function timestampToJson(t: unknown): string | undefined {
  if (t === null || t === undefined || typeof t !== 'object') return undefined;
  const { seconds, nanos } = t as ProtoTimestamp;
  const s = String(seconds ?? 0);
  const n = nanos ?? 0;
  const ms = Number(s) * 1000;
  if (n < 0 || n > 999_999_999 || !Number.isSafeInteger(ms) || Math.abs(ms) > 8.64e15) return formatRfc3339(fromProtoTimestamp(t as ProtoTimestamp));
  if (s !== lastSeconds) {
    lastBase = new Date(ms).toISOString().slice(0, 19);
    lastSeconds = s;
  }
  if (n === 0) return `${lastBase}Z`;
  const digits = String(n).padStart(9, '0');
  return `${lastBase}.${n % 1_000_000 === 0 ? digits.slice(0, 3) : n % 1000 === 0 ? digits.slice(0, 6) : digits}Z`;
}

export function durationToJson(d: unknown): string | undefined {
  if (d === null || d === undefined || typeof d !== 'object') return undefined;
  const { seconds, nanos } = d as ProtoTimestamp;
  const s = BigInt(String(seconds ?? 0));
  const n = nanos ?? 0;
  if (n === 0) return `${s}s`;
  const neg = s < 0n || n < 0;
  const abs = (x: bigint) => (x < 0n ? -x : x);
  const frac = String(Math.abs(n)).padStart(9, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${abs(s)}.${frac}s`;
}

/** An Any we cannot expand (we do not know its message): its type and bytes, as base64. */
export function opaqueAnyToJson(a: unknown): Obj | undefined {
  if (a === null || a === undefined || typeof a !== 'object') return undefined;
  const any = a as { type_url?: string; typeUrl?: string; value?: Uint8Array | string };
  const value = any.value === undefined ? '' : typeof any.value === 'string' ? any.value : Buffer.from(any.value).toString('base64');
  return { '@type': any.type_url ?? any.typeUrl ?? '', ...(value ? { value } : {}) };
}
