/**
 * Landing one staged file: normalise it, insert the new events, quarantine what cannot be read, and
 * commit the source's cursor with them, in one transaction. A crash at any point leaves either all of it
 * or none of it; a rerun re-stages from the last committed cursor and the anti-join drops what landed.
 *
 * A plain batch (every record new and landable) is inserted in one read (landAtOnce), typed when it is
 * made of audit Events (see normalise.ts); any other batch is landed the exact way: a narrow decision
 * pass, then the insert of what it found new.
 *
 * Most records land in the first round. The few SQL hands back (batches, Log Analytics rows staged as
 * plain records, records of no known shape) are read back here, staged again as their elements or under
 * their own key, and normalised in a further round inside the same transaction.
 */
import { rmSync, writeFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { listValue } from '@duckdb/node-api';
import { normaliseSql, type Read } from '../normalise/normalise.js';
import { explain, unwrapBatch } from '../normalise/unwrap.js';
import { StageFile, type StagedText } from './stage.js';

export interface LandTarget {
  cluster: string;
  provider: string;
  runId: string;
}

/** A pull_state row to write with the data (the source's cursor after this batch). */
export interface StateUpdate {
  stream: string;
  state: unknown;
  formatVersion?: number;
}

export interface EnvelopeCounts {
  landed: number;
  duplicates: number;
  skipped: number;
  quarantined: number;
}

export interface LandCounts extends EnvelopeCounts {
  /** Records read from the source (batches count as their elements). */
  records: number;
  byEnvelope: Record<string, EnvelopeCounts>;
  /** Why records were skipped (not audit data), with how many. */
  skipReasons: Record<string, number>;
  /** Latest event time landed, for freshness reporting. */
  newestEvent: string | null;
}

export const emptyCounts = (): LandCounts => ({
  records: 0,
  landed: 0,
  duplicates: 0,
  skipped: 0,
  quarantined: 0,
  byEnvelope: {},
  skipReasons: {},
  newestEvent: null,
});

export function addCounts(into: LandCounts, c: LandCounts): LandCounts {
  into.records += c.records;
  into.landed += c.landed;
  into.duplicates += c.duplicates;
  into.skipped += c.skipped;
  into.quarantined += c.quarantined;
  for (const [k, v] of Object.entries(c.byEnvelope)) {
    const t = (into.byEnvelope[k] ??= { landed: 0, duplicates: 0, skipped: 0, quarantined: 0 });
    t.landed += v.landed;
    t.duplicates += v.duplicates;
    t.skipped += v.skipped;
    t.quarantined += v.quarantined;
  }
  for (const [k, v] of Object.entries(c.skipReasons)) into.skipReasons[k] = (into.skipReasons[k] ?? 0) + v;
  if (c.newestEvent && (!into.newestEvent || c.newestEvent > into.newestEvent)) into.newestEvent = c.newestEvent;
  return into;
}

const columnCache = new WeakMap<DuckDBConnection, string[]>();
async function auditEventColumns(conn: DuckDBConnection): Promise<string[]> {
  let cols = columnCache.get(conn);
  if (!cols) {
    cols = (
      await conn.runAndReadAll(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_events' AND table_schema = 'main' ORDER BY ordinal_position`,
      )
    )
      .getRows()
      .map((r) => String(r[0]));
    columnCache.set(conn, cols);
  }
  return cols;
}

// Columns the lander fills itself rather than the normaliser.
const LANDER_COLUMNS: Record<string, string> = {
  run_id: '$5',
  landed_at: 'now()',
  source: '$4[s + 1]',
  source_line: 'l',
  source_item: 'i',
};

/** Rounds of re-staging: batch -> elements -> (a Log Analytics row re-keyed) is the deepest legitimate chain. */
const MAX_ROUNDS = 3;

interface Quarantined {
  s: number;
  l: number;
  i: number | null;
  envelope: string | null;
  reason: string;
  text: string;
}

/** What every step of one landing works with. */
interface Landing {
  conn: DuckDBConnection;
  target: LandTarget;
  cols: string[];
  sources: ReturnType<typeof listValue>;
  counts: LandCounts;
}

/**
 * How a batch is landed: at once with the typed or the lenient read (landAtOnce; the exact way if it
 * finds the batch is not plain), or the exact way straight away. `guess` asks the typed read whether it
 * lands a first record of the batch.
 */
export type Approach = Read | 'exact';

export interface LandOptions {
  approach?: Approach | 'guess';
}

/**
 * Land a stage file for one cluster, with the state updates that describe what it covers.
 * The caller owns the stage file (and removes it afterwards). `tried` says how the batch was tried, `by`
 * how it was landed, `plain` whether every record landed as a new event (no duplicates, nothing
 * quarantined or skipped): what the caller needs to choose the next batch's approach.
 */
export async function land(
  conn: DuckDBConnection,
  stage: StageFile,
  target: LandTarget,
  state: readonly StateUpdate[],
  opts: LandOptions = {},
): Promise<LandCounts & { tried: Approach; by: Approach; plain: boolean }> {
  stage.close();
  const approach = opts.approach === 'guess' ? await guess(conn, stage, target) : (opts.approach ?? 'exact');
  const counts = emptyCounts();
  const l: Landing = {
    conn,
    target,
    cols: await auditEventColumns(conn),
    sources: listValue(stage.sourceLocations.length ? [...stage.sourceLocations] : ['']),
    counts,
  };
  const extraStages: StageFile[] = [];
  let landedAtOnce = false;
  await conn.run('BEGIN TRANSACTION');
  try {
    if (approach !== 'exact' && stage.count > 0) {
      landedAtOnce = await landAtOnce(l, stage, approach);
      if (!landedAtOnce) {
        await conn.run('ROLLBACK');
        Object.assign(counts, emptyCounts());
        await conn.run('BEGIN TRANSACTION');
      }
    }
    let current: StageFile | null = !landedAtOnce && stage.count > 0 ? stage : null;
    for (let round = 1; current && round <= MAX_ROUNDS; round++) {
      const next = await landRound(l, current, round);
      if (next) extraStages.push(next);
      current = next;
    }
    for (const u of state) {
      await conn.run(
        `INSERT OR REPLACE INTO pull_state (cluster, stream, state, format_version, run_id, updated_at)
         VALUES ($1, $2, $3, $4, $5, now())`,
        [target.cluster, u.stream, JSON.stringify(u.state), u.formatVersion ?? 1, target.runId],
      );
    }
    const t = performance.now();
    await conn.run('COMMIT');
    lap('commit', t);
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    for (const s of extraStages) s.remove();
  }
  const plain = counts.landed === stage.count && counts.records === stage.count;
  return { ...counts, tried: approach, by: landedAtOnce ? approach : 'exact', plain };
}

/**
 * The first batch of a pull: typed if the typed read lands the first record it reads (the read stops
 * there, after a buffer), lenient if it does not or refuses that part of the file.
 */
async function guess(conn: DuckDBConnection, stage: StageFile, target: LandTarget): Promise<Approach> {
  if (stage.count === 0) return 'exact';
  try {
    const first = await conn.runAndReadAll(`SELECT fate FROM (${normaliseSql('typed')}) LIMIT 1`, [stage.path, target.cluster, target.provider]);
    return first.getRows()[0]?.[0] === 'land' ? 'typed' : 'lenient';
  } catch (err) {
    if (!TYPED_REFUSAL.test(String(err))) throw err;
    return 'lenient';
  }
}

// How DuckDB says the strict read met a wrong type or a line that is not JSON.
const TYPED_REFUSAL = /(Invalid Input|Conversion) Error/;

/**
 * The common batch in one read instead of two: every record lands and none is there already (a first
 * import, a pull past its overlap). The landable rows go straight in; then cheap scans of the rows just
 * written (landed_at is the transaction's start, so it marks them) check what the decision pass would
 * have found. Any record that did not land (quarantined, skipped, a batch record, unparseable; with the
 * typed read, anything it does not land or a read it fails) or any new row with a twin, in the batch or
 * landed before, and this returns false: the caller rolls back and lands the batch the exact way.
 */
async function landAtOnce(l: Landing, stage: StageFile, read: Read): Promise<boolean> {
  const { conn, target, counts } = l;
  let t = performance.now();
  let inserted: number;
  try {
    inserted = await insertLandable(l, stage, '', read);
  } catch (err) {
    // The strict read refuses a batch with a wrong type or a line that is not JSON (DuckDB's input and
    // conversion errors): the exact way says which record. Anything else is a real failure.
    if (read !== 'typed' || !TYPED_REFUSAL.test(String(err))) throw err;
    lap(`at once (typed) refused: ${String(err).split('\n')[0]}`, t);
    return false;
  }
  t = lap(`at once (${read}) ${stage.count}`, t);
  if (inserted !== stage.count) return false;
  // The transaction's start as a constant, so that zone maps skip every row group older than this batch.
  const now = String((await conn.runAndReadAll(`SELECT now()::VARCHAR`)).getRows()[0]![0]);
  const mine = (alias: string) =>
    `${alias}.cluster = $cluster AND ${alias}.run_id = $run AND ${alias}.landed_at = CAST($now AS TIMESTAMPTZ)`;
  const params = { cluster: target.cluster, run: target.runId, now };
  // Per envelope for the counts, and the batch's whole event-time range for the twins below.
  const landed = (
    await conn.runAndReadAll(
      `SELECT envelope, count(*), (min(min(event_time)) OVER ())::VARCHAR, (max(max(event_time)) OVER ())::VARCHAR
       FROM audit_events n WHERE ${mine('n')} GROUP BY envelope`,
      params,
    )
  ).getRows();
  const [lo, hi] = [String(landed[0]![2]), String(landed[0]![3])];
  const twins = await conn.runAndReadAll(
    `SELECT EXISTS (SELECT 1 FROM audit_events n WHERE ${mine('n')} GROUP BY audit_id, stage HAVING count(*) > 1)
         OR EXISTS (SELECT 1 FROM audit_events o
                    WHERE o.cluster = $cluster AND o.event_time BETWEEN CAST($lo AS TIMESTAMPTZ) AND CAST($hi AS TIMESTAMPTZ)
                      AND NOT (${mine('o')})
                      AND EXISTS (SELECT 1 FROM audit_events n WHERE ${mine('n')} AND n.audit_id = o.audit_id AND n.stage = o.stage))`,
    { ...params, lo, hi },
  );
  lap('at once checks', t);
  if (twins.getRows()[0]![0] === true) return false;
  for (const [env, n] of landed) {
    counts.records += Number(n);
    counts.landed += Number(n);
    bump(counts.byEnvelope, String(env), 'landed', Number(n));
  }
  if (!counts.newestEvent || hi > counts.newestEvent) counts.newestEvent = hi;
  return true;
}

/** The landable rows of a staged file, streamed into audit_events; `where` may narrow them. Rows inserted. */
async function insertLandable(l: Landing, stage: StageFile, where = '', read: Read = 'lenient'): Promise<number> {
  const select = l.cols.map((c) => `${LANDER_COLUMNS[c] ?? `b.${c}`} AS ${c}`).join(', ');
  const inserted = await l.conn.run(
    `INSERT INTO audit_events BY NAME SELECT ${select} FROM (${normaliseSql(read)}) b WHERE b.fate = 'land' ${where}`,
    [stage.path, l.target.cluster, l.target.provider, l.sources, l.target.runId],
  );
  return inserted.rowsChanged;
}

// KUBETRAIL_TIMINGS=1 prints where a landing spends its time (for benchmarks).
const timings = process.env.KUBETRAIL_TIMINGS === '1';
const lap = (label: string, t0: number): number => {
  const now = performance.now();
  if (timings) process.stderr.write(`land ${label} ${(now - t0).toFixed(0)} ms @${now.toFixed(0)} rss ${(process.memoryUsage.rss() / 1e6).toFixed(0)} MB\n`);
  return now;
};

async function landRound(l: Landing, stage: StageFile, round: number): Promise<StageFile | null> {
  const { conn, target, counts } = l;
  let t = performance.now();
  // The decision columns only: DuckDB prunes the projection of everything else.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE kt_rows AS
     SELECT q, l, i, fate, envelope, reason, refused_text, audit_id, stage, event_time FROM (${normaliseSql()})`,
    [stage.path, target.cluster, target.provider],
  );
  t = lap(`normalise ${stage.count}`, t);

  // Everything that lands in this round: new, or already there (an earlier run, an overlapping
  // window, an earlier round) or twice in this batch.
  const range = (await conn.runAndReadAll(`SELECT min(event_time)::VARCHAR, max(event_time)::VARCHAR FROM kt_rows WHERE fate = 'land'`)).getRows()[0]!;
  if (range[0] !== null) {
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE kt_dup AS
       SELECT b.q FROM kt_rows b
       WHERE b.fate = 'land' AND EXISTS (
         SELECT 1 FROM audit_events a
         WHERE a.cluster = $cluster AND a.event_time BETWEEN CAST($lo AS TIMESTAMPTZ) AND CAST($hi AS TIMESTAMPTZ)
           AND a.audit_id = b.audit_id AND a.stage = b.stage)
       UNION
       SELECT q FROM (SELECT q, row_number() OVER (PARTITION BY audit_id, stage ORDER BY q) AS n FROM kt_rows WHERE fate = 'land')
       WHERE n > 1`,
      { cluster: target.cluster, lo: String(range[0]), hi: String(range[1]) },
    );
    t = lap('dedupe', t);
    // The whole rows, streamed from the staged file into the table.
    const inserted = await insertLandable(l, stage, 'AND b.q NOT IN (SELECT q FROM kt_dup)');
    counts.landed += inserted;
    t = lap('insert', t);
    if (inserted > 0 && (!counts.newestEvent || String(range[1]) > counts.newestEvent)) counts.newestEvent = String(range[1]);
  } else {
    await conn.run(`CREATE OR REPLACE TEMP TABLE kt_dup AS SELECT NULL::BIGINT AS q WHERE false`);
  }

  const fates = await conn.runAndReadAll(
    `SELECT coalesce(envelope, ''), CASE WHEN fate = 'land' AND q IN (SELECT q FROM kt_dup) THEN 'duplicate' ELSE fate END, reason, count(*)
     FROM kt_rows GROUP BY ALL`,
  );
  for (const [env, fate, reason, n] of fates.getRows()) {
    const k = String(env) || 'unknown';
    const c = Number(n);
    if (fate === 'land') {
      counts.records += c;
      bump(counts.byEnvelope, k, 'landed', c);
    } else if (fate === 'duplicate') {
      counts.records += c;
      counts.duplicates += c;
      bump(counts.byEnvelope, k, 'duplicates', c);
    } else if (fate === 'skip') {
      counts.records += c;
      counts.skipped += c;
      bump(counts.byEnvelope, k, 'skipped', c);
      counts.skipReasons[String(reason)] = (counts.skipReasons[String(reason)] ?? 0) + c;
    }
  }

  // What SQL hands back: quarantined (for their text), batches, re-keys, unknown shapes, and lines read_json could not parse.
  const back = await conn.runAndReadAll(
    `SELECT q, fate, envelope, reason, refused_text FROM kt_rows WHERE fate NOT IN ('land', 'skip') ORDER BY q`,
  );
  const handBack = new Map<number, { fate: string; envelope: string | null; reason: string | null; refused: string | null }>();
  for (const [q, fate, envelope, reason, refused] of back.getRows()) {
    handBack.set(Number(q), { fate: String(fate), envelope: envelope === null ? null : String(envelope), reason: reason === null ? null : String(reason), refused: refused === null ? null : String(refused) });
  }
  const present = await conn.runAndReadAll(`SELECT count(DISTINCT q) FROM kt_rows`);
  const missing: number[] = [];
  if (Number(present.getRows()[0]![0]) < stage.count) {
    const seen = new Set((await conn.runAndReadAll(`SELECT DISTINCT q FROM kt_rows`)).getRows().map((r) => Number(r[0])));
    for (let q = 0; q < stage.count; q++) if (!seen.has(q)) missing.push(q);
  }
  await conn.run('DROP TABLE IF EXISTS kt_rows');
  await conn.run('DROP TABLE IF EXISTS kt_dup');
  lap('counts', t);
  if (!handBack.size && !missing.length) return null;

  const quarantine: Quarantined[] = [];
  const next = new StageFile(`${stage.path}.round${round + 1}`, stage.sourceLocations as string[]);
  const texts = stage.read([...handBack.keys(), ...missing].sort((a, b) => a - b));
  const toElements = (t: StagedText, elements: unknown[]) => {
    if (round >= MAX_ROUNDS - 1 || t.item !== null) {
      quarantine.push({ s: t.source, l: t.line, i: t.item, envelope: null, reason: 'a batch inside a batch: not a known audit record shape', text: t.text });
      return;
    }
    if (!elements.length) {
      counts.records += 1;
      counts.skipped += 1;
      counts.skipReasons['a batch record with no records in it'] = (counts.skipReasons['a batch record with no records in it'] ?? 0) + 1;
    }
    elements.forEach((el, k) => next.addText(t.source, t.line, JSON.stringify(el), k));
  };
  for (const t of texts) {
    const h = handBack.get(t.q);
    if (!h && t.embedded) {
      // the embedded document was not JSON after all: the record goes round again whole, as text
      next.addText(t.source, t.line, t.text, t.item);
    } else if (!h) {
      // read_json could not parse the staged line: the record is not JSON
      const why = explain(t.text);
      if (why.kind === 'elements') toElements(t, why.elements);
      else quarantine.push({ s: t.source, l: t.line, i: t.item, envelope: null, reason: why.reason, text: t.text });
    } else if (h.fate === 'quarantine') {
      quarantine.push({ s: t.source, l: t.line, i: t.item, envelope: h.envelope, reason: h.reason ?? 'unreadable', text: h.refused ?? t.text });
    } else if (h.fate === 'batch') {
      const u = unwrapBatch(t.text);
      if (u.kind === 'elements') toElements(t, u.elements);
      else quarantine.push({ s: t.source, l: t.line, i: t.item, envelope: null, reason: u.reason, text: t.text });
    } else if (h.fate === 'rekey') {
      next.addText(t.source, t.line, t.text, t.item, 'a');
    } else {
      const why = explain(t.text);
      if (why.kind === 'elements') toElements(t, why.elements);
      else quarantine.push({ s: t.source, l: t.line, i: t.item, envelope: null, reason: why.reason, text: t.text });
    }
  }
  if (quarantine.length) await insertQuarantine(l, `${stage.path}.quarantine`, quarantine);
  next.close();
  if (next.count === 0) {
    next.remove();
    return null;
  }
  return next;
}

async function insertQuarantine(l: Landing, path: string, rows: Quarantined[]): Promise<void> {
  const { conn, target, sources, counts } = l;
  // Staged like everything else: a set-based insert, and the text never leaves kt_safe_raw unredacted.
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n', { mode: 0o600 });
  try {
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE kt_quarantine AS
       SELECT $sources[s + 1] AS source, l, i, envelope, reason, kt_safe_raw(text) AS raw, strlen(text) AS raw_bytes
       FROM read_json($path, format = 'newline_delimited',
                      columns = {s: 'INTEGER', l: 'BIGINT', i: 'INTEGER', envelope: 'VARCHAR', reason: 'VARCHAR', text: 'VARCHAR'})`,
      { sources, path },
    );
  } finally {
    rmSync(path, { force: true });
  }
  // A bad record read again (an overlapping window, a rerun) is in quarantine already: a duplicate, not a second row.
  await conn.run(`ALTER TABLE kt_quarantine ADD COLUMN dup BOOLEAN`);
  await conn.run(
    `UPDATE kt_quarantine k SET dup = EXISTS (
       SELECT 1 FROM quarantine x WHERE x.cluster = $cluster AND x.source IS NOT DISTINCT FROM k.source AND x.source_line IS NOT DISTINCT FROM k.l
         AND x.source_item IS NOT DISTINCT FROM k.i AND x.reason = k.reason AND x.raw IS NOT DISTINCT FROM k.raw)`,
    { cluster: target.cluster },
  );
  await conn.run(
    `INSERT INTO quarantine (run_id, cluster, source, source_line, source_item, envelope, reason, raw, raw_bytes, quarantined_at)
     SELECT $run_id, $cluster, source, l, i, envelope, reason, raw, raw_bytes, now() FROM kt_quarantine WHERE NOT dup`,
    { run_id: target.runId, cluster: target.cluster },
  );
  const tally = await conn.runAndReadAll(`SELECT coalesce(envelope, 'unknown'), dup, count(*) FROM kt_quarantine GROUP BY ALL`);
  for (const [env, dup, n] of tally.getRows()) {
    const c = Number(n);
    counts.records += c;
    if (dup) {
      counts.duplicates += c;
      bump(counts.byEnvelope, String(env), 'duplicates', c);
    } else {
      counts.quarantined += c;
      bump(counts.byEnvelope, String(env), 'quarantined', c);
    }
  }
  await conn.run('DROP TABLE kt_quarantine');
}

function bump(m: Record<string, EnvelopeCounts>, k: string, f: keyof EnvelopeCounts, n: number): void {
  const t = (m[k] ??= { landed: 0, duplicates: 0, skipped: 0, quarantined: 0 });
  t[f] += n;
}
