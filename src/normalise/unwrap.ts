/**
 * The few records SQL hands back (see normalise.ts): batches to unwrap, Log Analytics rows to stage under
 * their own key, and records of no known shape or not JSON at all, to explain. Rare by construction, so
 * plain JS; the batch keys here are the ones IS_BATCH in normalise.ts recognises.
 */

export type Unwrapped =
  | { kind: 'elements'; elements: unknown[] }
  | { kind: 'invalid'; reason: string };

function parse(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (text.trim() === '') return { ok: false, reason: 'empty record' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
  }
}

/** The records inside a batch record: {"records":[...]}, {"events":[...]}, an EventList, an array, a {"log": ...} wrapper. */
export function unwrapBatch(text: string): Unwrapped {
  const p = parse(text);
  if (!p.ok) return { kind: 'invalid', reason: p.reason };
  const v = p.value;
  if (Array.isArray(v)) return { kind: 'elements', elements: v };
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const key of ['records', 'events', 'items', 'entries'] as const) if (Array.isArray(o[key])) return { kind: 'elements', elements: o[key] };
    if ('log' in o) {
      const inner = o.log;
      if (typeof inner === 'string') {
        const q = parse(inner);
        return q.ok ? { kind: 'elements', elements: [q.value] } : { kind: 'invalid', reason: `the "log" field is not JSON (${q.reason})` };
      }
      return { kind: 'elements', elements: [inner] };
    }
  }
  return { kind: 'invalid', reason: 'not a batch of records' };
}

/** Why a record cannot be read, for one SQL found no shape for (or could not parse at all). */
export function explain(text: string): Unwrapped {
  const p = parse(text);
  if (!p.ok) return { kind: 'invalid', reason: p.reason };
  const v = p.value;
  if (Array.isArray(v)) return { kind: 'elements', elements: v };
  if (v === null || typeof v !== 'object') return { kind: 'invalid', reason: `not a JSON object but a JSON ${v === null ? 'null' : typeof v}` };
  const o = v as Record<string, unknown>;
  if ('kind' in o && o.kind !== 'Event') return { kind: 'invalid', reason: `not an audit record: kind is ${JSON.stringify(o.kind)?.slice(0, 40)}, expected "Event"` };
  const keys = Object.keys(o);
  return {
    kind: 'invalid',
    reason: keys.length ? `not a known audit record shape (top-level keys: ${keys.slice(0, 10).join(', ')}${keys.length > 10 ? ', …' : ''})` : 'an empty JSON object',
  };
}
