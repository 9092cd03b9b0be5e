/**
 * Detection parameters: declared with a type and a default in a detection's header, overridden per
 * detection in the job file (`detect.parameters.<id>.<name>`), bound to the SQL as `$name` DuckDB values.
 */
import { BOOLEAN, DOUBLE, INTEGER, INTERVAL, VARCHAR, DuckDBListType, intervalValue, listValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { parseDuration, formatDuration } from '../config/duration.js';
import { cidrPrefix } from './cidr.js';

export const PARAMETER_TYPES = ['integer', 'number', 'string', 'strings', 'cidrs', 'duration', 'boolean'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** A parameter value after parsing: durations are milliseconds. */
export type ParameterValue = number | string | string[] | boolean;

export interface ParameterSpec {
  name: string;
  type: ParameterType;
  default: ParameterValue;
  description: string;
}

/** Names every detection's SQL may use without declaring them. */
export const BUILTIN_PARAMETERS = ['now'] as const;

export type Parsed = { ok: true; value: ParameterValue } | { ok: false; message: string };

/** Check and convert a value from YAML (a header default or the job file) to the parameter's type. */
export function parseParameterValue(type: ParameterType, value: unknown): Parsed {
  const bad = (what: string): Parsed => ({ ok: false, message: `expected ${what}, got ${JSON.stringify(value)}` });
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? { ok: true, value } : bad('a whole number');
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? { ok: true, value } : bad('a number');
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : bad('a string');
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : bad('true or false');
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? { ok: true, value: value as string[] } : bad('a list of strings');
    case 'cidrs': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return bad('a list of addresses or ranges (10.0.0.0/8, 2001:db8::/32)');
      const wrong = (value as string[]).filter((v) => cidrPrefix(v) === undefined);
      return wrong.length ? { ok: false, message: `not an address or range: ${wrong.map((w) => JSON.stringify(w)).join(', ')}` } : { ok: true, value: value as string[] };
    }
    case 'duration': {
      const ms = typeof value === 'string' ? parseDuration(value) : undefined;
      return ms !== undefined && ms > 0 ? { ok: true, value: ms } : bad('a duration such as 90s, 10m, 24h, 7d');
    }
  }
}

/** The value as people write it (durations back to "30m"). */
export function showParameterValue(type: ParameterType, value: ParameterValue): string {
  if (type === 'duration') return formatDuration(value as number);
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

const STRING_LIST = new DuckDBListType(VARCHAR);

export function duckdbValue(type: ParameterType, value: ParameterValue): { value: DuckDBValue; type: DuckDBType } {
  switch (type) {
    case 'integer':
      return { value: value as number, type: INTEGER };
    case 'number':
      return { value: value as number, type: DOUBLE };
    case 'string':
      return { value: value as string, type: VARCHAR };
    case 'boolean':
      return { value: value as boolean, type: BOOLEAN };
    case 'strings':
      return { value: listValue(value as string[]), type: STRING_LIST };
    case 'cidrs':
      // SQL compares address bits against these prefixes (kt_ip_bits, kt_ip_in in prelude.sql)
      return { value: listValue((value as string[]).map((c) => cidrPrefix(c)!)), type: STRING_LIST };
    case 'duration':
      return { value: intervalValue(0, 0, BigInt(Math.round(value as number)) * 1000n), type: INTERVAL };
  }
}
