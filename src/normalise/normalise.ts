/**
 * Normalisation as set-based SQL over a staged file (see store/stage.ts for its line format):
 *   1. kt_records: each staged record parsed once into the record struct, batches unwrapped, envelope named;
 *   2. kt_rows: each envelope reads its Event and facts, then the canonical projection types, checks and
 *      redacts, and says for every record whether it lands, is skipped (not audit data) or is quarantined.
 * The statements are built once from the envelope registry; the caller runs them inside its transaction.
 */
import { canonicalSelect } from './canonical.js';
import type { Envelope } from './envelope.js';
import { jsonOrEmbedded } from './envelope.js';
import { RECORD_SPEC } from './event-shape.js';
import { ENVELOPES } from './registry.js';

/** Largest record DuckDB is asked to parse; larger lines are quarantined before staging. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

const BATCH_ELEMENTS = `CASE
    WHEN starts_with(CAST(r AS VARCHAR), '[') THEN CAST(r AS JSON[])
    WHEN json_type(u.records) = 'ARRAY' THEN CAST(u.records AS JSON[])
    WHEN json_type(u.events) = 'ARRAY' THEN CAST(u.events AS JSON[])
    WHEN u.kind = 'EventList' AND json_type(u.items) = 'ARRAY' THEN CAST(u.items AS JSON[])
    WHEN json_type(u.entries) = 'ARRAY' THEN CAST(u.entries AS JSON[])
    WHEN u.log IS NOT NULL AND u.kind IS NULL AND u.auditID IS NULL THEN [${jsonOrEmbedded('u.log')}]
  END`;

/** Statement 1: read the staged file into kt_records. Parameter $1: the staged file path. */
export function recordsSql(): string {
  const classify = ENVELOPES.map((e) => `WHEN ${e.match} THEN '${e.name}'`).join('\n      ');
  return `
CREATE OR REPLACE TEMP TABLE kt_records AS
WITH staged AS (
  SELECT q, s, l, x, t, r
  FROM read_json($1, format = 'newline_delimited', ignore_errors = true,
                 maximum_object_size = ${MAX_RECORD_BYTES + 4096},
                 columns = {q: 'BIGINT', s: 'INTEGER', l: 'BIGINT', x: 'VARCHAR', t: 'VARCHAR', r: 'JSON'})
),
top AS (
  SELECT q, s, l, x, t, r, json_transform(r, '${RECORD_SPEC}') AS u FROM staged
),
top_b AS (SELECT *, ${BATCH_ELEMENTS} AS elems FROM top),
expanded AS (
  SELECT q, s, l, NULL::INTEGER AS i, x, t, r, u FROM top_b WHERE elems IS NULL
  UNION ALL
  SELECT q, s, l, CAST(i - 1 AS INTEGER) AS i, NULL AS x, NULL AS t, e AS r, json_transform(e, '${RECORD_SPEC}') AS u
  FROM (SELECT q, s, l, unnest(elems) AS e, generate_subscripts(elems, 1) AS i FROM top_b WHERE elems IS NOT NULL)
)
SELECT *,
  CASE WHEN x IS NOT NULL THEN NULL
      ${classify}
  END AS envelope
FROM expanded`;
}

function envelopeSelect(env: Envelope): string {
  let from = `(SELECT * FROM kt_records WHERE envelope = '${env.name}')`;
  for (const layer of env.prepare ?? []) {
    const cols = Object.entries(layer).map(([k, v]) => `${v} AS ${k}`).join(',\n    ');
    from = `(SELECT *,\n    ${cols}\n  FROM ${from})`;
  }
  const m = env.meta;
  const o = env.overrides ?? {};
  return `SELECT q, s, l, i, r, envelope,
    ${env.outOfScope ?? 'NULL'} AS skip_reason,
    ${env.event} AS e,
    ${env.unreadable ?? 'NULL'} AS unreadable,
    CAST(${m.providerEventId ?? 'NULL'} AS VARCHAR) AS pid,
    CAST(${m.ingestedAt ?? 'NULL'} AS VARCHAR) AS ing,
    CAST(${m.logName ?? 'NULL'} AS VARCHAR) AS logname,
    CAST(${m.envelopeTime ?? 'NULL'} AS VARCHAR) AS etime,
    CAST(${m.envelopeRecord ?? 'NULL'} AS JSON) AS erec,
    CAST(${o.decision ?? 'NULL'} AS VARCHAR) AS dec_o,
    CAST(${o.stage ?? 'NULL'} AS VARCHAR) AS stage_o
  FROM ${from}`;
}

/** Why a record that is not JSON object of a known shape is not landed. */
const UNKNOWN_REASON = `CASE
    WHEN json_type(r) <> 'OBJECT' THEN 'not a JSON object but a JSON ' || lower(json_type(r))
    WHEN u.kind IS NOT NULL THEN 'not an audit record: kind is ' || left(CAST(json_extract(r, '$.kind') AS VARCHAR), 40) || ', expected "Event"'
    ELSE 'not a known audit record shape (top-level keys: ' || array_to_string(json_keys(r)[1:10], ', ') || ')'
  END`;

/**
 * Statement 2: kt_rows, one row per record with its fate: `fate` is land | skip | quarantine, and
 * `reason` says why for the last two. Parameters: $cluster, $provider.
 */
export function rowsSql(): string {
  const envelopes = ENVELOPES.map(envelopeSelect).join('\n  UNION ALL BY NAME\n  ');
  return `
CREATE OR REPLACE TEMP TABLE kt_rows AS
WITH read AS (
  ${envelopes}
),
typed AS (${canonicalSelect('(SELECT * FROM read WHERE skip_reason IS NULL AND e IS NOT NULL)')})
SELECT *,
  CASE WHEN len(problems) = 0 THEN 'land' ELSE 'quarantine' END AS fate,
  CASE WHEN len(problems) > 0 THEN 'wrong field types: ' || array_to_string(problems, '; ') END AS reason
FROM typed
UNION ALL BY NAME
SELECT q, s, l, i, envelope, r,
  CASE WHEN skip_reason IS NOT NULL THEN 'skip' ELSE 'quarantine' END AS fate,
  coalesce(skip_reason, unreadable, 'the embedded event could not be read') AS reason
FROM read WHERE skip_reason IS NOT NULL OR e IS NULL
UNION ALL BY NAME
SELECT q, s, l, i, NULL AS envelope, r, 'quarantine' AS fate, ${UNKNOWN_REASON} AS reason
FROM kt_records WHERE envelope IS NULL AND x IS NULL
UNION ALL BY NAME
SELECT q, s, l, i, NULL AS envelope, t, 'quarantine' AS fate, x AS reason
FROM kt_records WHERE x IS NOT NULL`;
}
