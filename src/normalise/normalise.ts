/**
 * Normalisation as one set-based SQL statement over a staged file (see store/stage.ts for its lines).
 * read_json parses each record once, straight into the record struct (`r`) or, for Log Analytics rows,
 * the row struct (`a`); a record staged as an embedded document has the rest of its record in `w`;
 * the envelope is named; each envelope's expressions (evaluated only for its own rows) read the Event
 * and its facts; the canonical projection types, checks and redacts. The result says for every record
 * what happens to it:
 *   land | skip (a known envelope that is not audit data) | quarantine (with the reason)
 *   | batch (a record holding records) | rekey (a Log Analytics row staged as `r`) | unknown (no known shape)
 * The last three go back to the lander, which reads their text and stages them again (elements of a
 * batch, the row under `a`) or explains them; they never need the record text in SQL.
 *
 * Two reads of the staged file:
 *   lenient: the Event's nested parts stay JSON and every record gets its own fate and reason; a line
 *     read_json cannot parse becomes NULLs. Any batch can be read this way.
 *   typed: the Event's parts are read straight into typed fields (event-shape.ts), which spares a second
 *     parse of each. One wrong type or unparseable line fails the whole read, and records of envelopes
 *     without a `typedEvent` do not land: the lander then lands the batch the exact way. For batches of
 *     audit Events (files, EKS) this is the common case, and about a third cheaper.
 */
import { canonicalSelect } from './canonical.js';
import type { Envelope } from './envelope.js';
import { LOG_ANALYTICS_ROW_STRUCT, RECORD_STRUCT, TYPED_RECORD_STRUCT, WRAPPER_STRUCT } from './event-shape.js';
import { ENVELOPES } from './registry.js';

/** Largest record DuckDB is asked to parse; larger lines are quarantined before staging. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export const FATES = ['land', 'skip', 'quarantine', 'batch', 'rekey', 'unknown'] as const;
export type Fate = (typeof FATES)[number];

const IS_BATCH = `(json_type(u.records) = 'ARRAY' OR json_type(u.events) = 'ARRAY' OR (u.kind = 'EventList' AND json_type(u.items) = 'ARRAY')
    OR json_type(u.entries) = 'ARRAY' OR (u.log IS NOT NULL AND u.kind IS NULL AND u.auditID IS NULL))`;
// Staged as a plain record: not a Log Analytics row (`a`) nor an embedded document beside its wrapper (`w`).
const PLAIN = 'a IS NULL AND w IS NULL';
const IS_LOG_ANALYTICS_ROW = `(u.TimeGenerated IS NOT NULL OR u.StageReceivedTime IS NOT NULL OR u.RequestReceivedTime IS NOT NULL OR u.log_s IS NOT NULL)`;

function guarded(env: Envelope, expr: string): string {
  return `CASE WHEN envelope = '${env.name}' THEN ${expr} END`;
}

function byEnvelope(pick: (e: Envelope) => string | undefined, cast: string): string {
  const arms = ENVELOPES.filter((e) => pick(e) !== undefined).map((e) => `WHEN '${e.name}' THEN CAST(${pick(e)} AS ${cast})`);
  return arms.length ? `CASE envelope ${arms.join(' ')} END` : `NULL::${cast}`;
}

function checkPrepareNames(): void {
  const seen = new Map<string, string>();
  for (const env of ENVELOPES)
    for (const layer of env.prepare ?? [])
      for (const name of Object.keys(layer)) {
        const other = seen.get(name);
        if (other && other !== env.name) throw new Error(`prepare column "${name}" is used by envelopes ${other} and ${env.name}: names must be unique`);
        seen.set(name, env.name);
      }
}

export type Read = 'lenient' | 'typed';

/** Whether the typed read lands records of this envelope. */
export const readsTyped = (envelope: string): boolean => ENVELOPES.some((e) => e.name === envelope && e.typedEvent !== undefined);

const cached = new Map<Read, string>();

/**
 * The query normalising staged file $1 for cluster $2 of provider $3: one row per record with `fate`,
 * `reason` and every audit_events column the normaliser fills. Landing a batch the exact way runs the
 * lenient read twice: once keeping only the narrow columns it needs to decide (DuckDB prunes the rest),
 * once streaming the landable rows straight into audit_events, so that a batch is never held in memory
 * whole. Landing it at once streams the landable rows of one read (either) in.
 */
export function normaliseSql(read: Read = 'lenient'): string {
  const hit = cached.get(read);
  if (hit) return hit;
  checkPrepareNames();
  const typed = read === 'typed';
  const classify = ENVELOPES.map((e) => `WHEN ${e.match} THEN '${e.name}'`).join('\n      ');
  const depth = Math.max(0, ...ENVELOPES.map((e) => e.prepare?.length ?? 0));
  let from = 'classified';
  const layers: string[] = [];
  for (let i = 0; i < depth; i++) {
    const cols = ENVELOPES.flatMap((e) => Object.entries(e.prepare?.[i] ?? {}).map(([k, v]) => `${guarded(e, v)} AS ${k}`));
    layers.push(`layer${i} AS (SELECT *, ${cols.join(',\n    ')} FROM ${from})`);
    from = `layer${i}`;
  }
  const events = typed
    ? ENVELOPES.filter((e) => e.typedEvent !== undefined).map((e) => `WHEN '${e.name}' THEN ${e.typedEvent}`)
    : ENVELOPES.map((e) => `WHEN '${e.name}' THEN ${e.event}`);
  const sql = `
WITH staged AS (
  SELECT q, s, l, i, ${typed ? `NULL::VARCHAR AS x, NULL::VARCHAR AS t, r AS u, NULL::${LOG_ANALYTICS_ROW_STRUCT} AS a` : 'x, t, r AS u, a'}, w
  FROM read_json($1, format = 'newline_delimited', ${typed ? '' : 'ignore_errors = true,'}
                 maximum_object_size = ${MAX_RECORD_BYTES + 4096},
                 columns = {q: 'BIGINT', s: 'INTEGER', l: 'BIGINT', i: 'INTEGER', ${typed ? `r: '${TYPED_RECORD_STRUCT}'` : `x: 'VARCHAR', t: 'VARCHAR', r: '${RECORD_STRUCT}', a: '${LOG_ANALYTICS_ROW_STRUCT}'`}, w: '${WRAPPER_STRUCT}'})
  -- (typed) a refused record (x) or a Log Analytics row (a) is left unread: with no record it lands as nothing
  -- (lenient) ignore_errors turns a line it cannot parse into a row of NULLs: the lander finds it by its missing q
  WHERE q IS NOT NULL
),
classified AS (
  SELECT *,
    CASE
      WHEN x IS NOT NULL THEN 'quarantine'
      WHEN ${PLAIN} AND ${IS_BATCH} THEN 'batch'
      WHEN ${PLAIN} AND ${IS_LOG_ANALYTICS_ROW} THEN 'rekey'
    END AS pre_fate,
    CASE WHEN x IS NOT NULL THEN NULL
      WHEN ${PLAIN} AND (${IS_BATCH} OR ${IS_LOG_ANALYTICS_ROW}) THEN NULL
      ${classify}
    END AS envelope
  FROM staged
),
${layers.length ? layers.join(',\n') + ',' : ''}
read AS (
  SELECT q, s, l, i, x, t, u, a, envelope, pre_fate,
    ${byEnvelope((e) => e.outOfScope, 'VARCHAR')} AS skip_reason,
    CASE envelope ${events.join(' ')} END AS e,
    ${byEnvelope((e) => e.unreadable, 'VARCHAR')} AS unreadable,
    ${byEnvelope((e) => e.meta.providerEventId, 'VARCHAR')} AS pid,
    ${byEnvelope((e) => e.meta.ingestedAt, 'VARCHAR')} AS ing,
    ${byEnvelope((e) => e.meta.logName, 'VARCHAR')} AS logname,
    ${byEnvelope((e) => e.meta.envelopeTime, 'VARCHAR')} AS etime,
    ${byEnvelope((e) => e.meta.envelopeRecord, 'JSON')} AS erec,
    ${byEnvelope((e) => e.overrides?.decision, 'VARCHAR')} AS dec_o,
    ${byEnvelope((e) => e.overrides?.stage, 'VARCHAR')} AS stage_o
  FROM ${from}
),
typed AS (${canonicalSelect('read', read)})
SELECT * EXCLUDE (x, t, u, a, e, problems, pre_fate, skip_reason, unreadable),
  CASE
    WHEN pre_fate IS NOT NULL THEN pre_fate
    WHEN envelope IS NULL THEN 'unknown'
    WHEN skip_reason IS NOT NULL THEN 'skip'
    WHEN e IS NULL THEN 'quarantine'
    WHEN len(problems) > 0 THEN 'quarantine'
    ELSE 'land'
  END AS fate,
  CASE
    WHEN x IS NOT NULL THEN x
    WHEN pre_fate IS NOT NULL OR envelope IS NULL THEN NULL
    WHEN skip_reason IS NOT NULL THEN skip_reason
    WHEN e IS NULL THEN coalesce(unreadable, 'the embedded event could not be read')
    WHEN len(problems) > 0 THEN 'wrong field types: ' || array_to_string(problems, '; ')
  END AS reason,
  t AS refused_text
FROM typed`;
  cached.set(read, sql);
  return sql;
}
