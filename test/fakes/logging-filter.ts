/**
 * Just enough of the Cloud Logging query language for the Cloud Logging test double: comparisons
 * (=, !=, <, <=, >, >=, :) on a field path, AND / OR / NOT / -, implicit AND, parentheses, quoted or bare
 * values. Timestamps compare as instants with nanoseconds. A field the double does not know is an
 * error (INVALID_ARGUMENT), so a puller cannot silently rely on something the double ignores.
 */

type Node =
  | { op: 'and' | 'or'; items: Node[] }
  | { op: 'not'; item: Node }
  | { op: 'cmp'; field: string; cmp: string; value: string };

export const FILTER_FIELDS = new Set([
  'logName',
  'resource.type',
  'resource.labels.cluster_name',
  'resource.labels.location',
  'resource.labels.project_id',
  'protoPayload.serviceName',
  'protoPayload.methodName',
  'timestamp',
  'receiveTimestamp',
  'insertId',
  'severity',
]);
const TIME_FIELDS = new Set(['timestamp', 'receiveTimestamp']);

export class FilterError extends Error {}

function tokenize(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push(c);
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let v = '';
      while (j < s.length && s[j] !== '"') {
        if (s[j] === '\\') j++;
        v += s[j];
        j++;
      }
      if (j >= s.length) throw new FilterError(`unterminated string at ${i}`);
      out.push(`"${v}`); // a leading quote marks a string token
      i = j + 1;
    } else if (/[=!<>:]/.test(c)) {
      const two = s.slice(i, i + 2);
      if (['!=', '>=', '<='].includes(two)) {
        out.push(two);
        i += 2;
      } else {
        out.push(c);
        i++;
      }
    } else {
      let j = i;
      while (j < s.length && !/[\s()=!<>:"]/.test(s[j]!)) j++;
      out.push(s.slice(i, j));
      i = j;
    }
  }
  return out;
}

export function parseFilter(text: string): Node {
  const t = tokenize(text);
  let p = 0;
  const peek = () => t[p];
  const take = () => t[p++];
  function or(): Node {
    const items = [and()];
    while (peek() === 'OR') {
      take();
      items.push(and());
    }
    return items.length === 1 ? items[0]! : { op: 'or', items };
  }
  function and(): Node {
    const items = [unary()];
    for (;;) {
      if (peek() === 'AND') {
        take();
        items.push(unary());
      } else if (peek() !== undefined && peek() !== ')' && peek() !== 'OR') items.push(unary());
      else break;
    }
    return items.length === 1 ? items[0]! : { op: 'and', items };
  }
  function unary(): Node {
    if (peek() === 'NOT' || peek() === '-') {
      take();
      return { op: 'not', item: unary() };
    }
    if (peek() === '(') {
      take();
      const e = or();
      if (take() !== ')') throw new FilterError('missing )');
      return e;
    }
    const field = take();
    if (!field || field.startsWith('"')) throw new FilterError(`expected a field at token ${p}`);
    const cmp = take();
    if (!cmp || !['=', '!=', '<', '<=', '>', '>=', ':'].includes(cmp)) throw new FilterError(`expected a comparison after ${field}`);
    const v = take();
    if (v === undefined) throw new FilterError(`expected a value after ${field}${cmp}`);
    if (!FILTER_FIELDS.has(field)) throw new FilterError(`the test double does not support filtering on ${field}`);
    return { op: 'cmp', field, cmp, value: v.startsWith('"') ? v.slice(1) : v };
  }
  const node = or();
  if (p !== t.length) throw new FilterError(`unexpected ${t[p]}`);
  return node;
}

const parsed = new Map<string, bigint>();

/** Nanoseconds of an RFC 3339 time (the double's own parser), remembered: entries are compared on every query. */
export function timeNs(s: string): bigint {
  let n = parsed.get(s);
  if (n === undefined) {
    n = parseTime(s);
    if (parsed.size > 2_000_000) parsed.clear();
    parsed.set(s, n);
  }
  return n;
}

function parseTime(s: string): bigint {
  const m = /^(.{19})(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) throw new FilterError(`not a timestamp: ${s}`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw new FilterError(`not a timestamp: ${s}`);
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

function get(entry: Record<string, unknown>, path: string): unknown {
  let v: unknown = entry;
  for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

export function matches(node: Node, entry: Record<string, unknown>): boolean {
  switch (node.op) {
    case 'and':
      return node.items.every((n) => matches(n, entry));
    case 'or':
      return node.items.some((n) => matches(n, entry));
    case 'not':
      return !matches(node.item, entry);
    case 'cmp': {
      const raw = get(entry, node.field);
      if (raw === undefined || raw === null) return node.cmp === '!=';
      if (TIME_FIELDS.has(node.field)) {
        const a = timeNs(String(raw));
        const b = timeNs(node.value);
        return compare(node.cmp, a < b ? -1 : a > b ? 1 : 0);
      }
      const a = String(raw);
      if (node.cmp === ':') return a.includes(node.value);
      return compare(node.cmp, a < node.value ? -1 : a > node.value ? 1 : 0);
    }
  }
}

function compare(cmp: string, c: number): boolean {
  switch (cmp) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}
