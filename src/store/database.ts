/**
 * Opening the DuckDB file: the settings every connection shares, and the migrations. DuckDB never reaches
 * the network: extension auto-install and auto-load are off, and read-only connections (kubetrail sql)
 * also lose external access, so a query cannot read a URL or write a file.
 */
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { StoreError, describe, folderError } from '../errors.js';

const here = dirname(fileURLToPath(import.meta.url));
const MIGRATIONS_DIR = join(here, 'migrations');
const REDACT_SQL = readFileSync(join(here, '..', 'normalise', 'redact.sql'), 'utf8');
const VIEWS_DIR = join(here, '..', '..', 'queries', 'views');

export interface OpenOptions {
  readOnly?: boolean;
  /** DuckDB memory_limit, e.g. "512MB". */
  memoryLimit?: string;
  threads?: number;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}-.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync(join(dir, f), 'utf8') }));
}

export class Database {
  private constructor(
    readonly path: string,
    readonly instance: DuckDBInstance,
    readonly readOnly: boolean,
  ) {}

  static async open(path: string, opts: OpenOptions = {}): Promise<Database> {
    const readOnly = opts.readOnly ?? false;
    if (!readOnly && path !== ':memory:') {
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (err) {
        throw folderError(dirname(path), `the database ${path}`, 'database:', err);
      }
    }
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      preserve_insertion_order: 'false',
      // Bulk landings commit often; checkpointing every 16 MB of WAL (the default) made commits cost
      // as much as the insert. Writers checkpoint when they close instead (see close()).
      checkpoint_threshold: '512MB',
      // A bulk landing writes its row groups straight to the file, leaving a partly filled one per thread.
      // Vacuuming merges those by decompressing and rewriting them: 3-5 s per million events at every
      // checkpoint, for scans that are no faster. kubetrail never deletes events, so there is nothing else
      // for vacuum to reclaim.
      max_vacuum_tasks: '0',
    };
    if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
    if (opts.threads) config.threads = String(opts.threads);
    if (readOnly) {
      config.access_mode = 'READ_ONLY';
      config.enable_external_access = 'false';
    }
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (err) {
      const msg = describe(err);
      if (/lock/i.test(msg)) {
        throw new StoreError(`${path} is in use by another kubetrail process (one writer per database file). Wait for it to finish, or use \`kubetrail sql --db\` to read a copy.`);
      }
      if (readOnly && /does not exist|No such file/i.test(msg)) {
        throw new StoreError(`${path} does not exist yet: run \`kubetrail pull\`, \`import\` or \`run\` first.`);
      }
      throw new StoreError(`cannot open ${path}: ${msg}`);
    }
    const db = new Database(path, instance, readOnly);
    if (!readOnly) {
      await db.migrate();
      await db.createViews();
    }
    return db;
  }

  /** A connection with the session settings and (for writers) the redaction macros. */
  async connect(): Promise<DuckDBConnection> {
    const conn = await this.instance.connect();
    await conn.run(`SET TimeZone = 'UTC'`);
    if (!this.readOnly) {
      for (const stmt of splitSql(REDACT_SQL)) await conn.run(stmt);
    }
    return conn;
  }

  private async migrate(): Promise<void> {
    const conn = await this.instance.connect();
    try {
      await conn.run(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
      const applied = new Set(
        (await conn.runAndReadAll('SELECT version FROM schema_migrations')).getRows().map((r) => Number(r[0])),
      );
      const migrations = loadMigrations();
      const known = Math.max(0, ...migrations.map((m) => m.version));
      const newest = Math.max(0, ...applied);
      if (newest > known) {
        throw new StoreError(`${this.path} has schema version ${newest}, newer than this kubetrail knows (${known}): upgrade kubetrail.`);
      }
      for (const m of migrations) {
        if (applied.has(m.version)) continue;
        await conn.run('BEGIN TRANSACTION');
        try {
          for (const stmt of splitSql(m.sql)) await conn.run(stmt);
          await conn.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          await conn.run('COMMIT');
        } catch (err) {
          await conn.run('ROLLBACK');
          throw new StoreError(`migration ${m.version}-${m.name} failed: ${describe(err)}`);
        }
      }
    } finally {
      conn.closeSync();
    }
  }

  /** The investigation views and macros (queries/views), recreated on every write so they follow the code. */
  private async createViews(): Promise<void> {
    const conn = await this.instance.connect();
    try {
      for (const f of readdirSync(VIEWS_DIR).filter((f) => f.endsWith('.sql')).sort()) {
        for (const stmt of splitSql(readFileSync(join(VIEWS_DIR, f), 'utf8'))) await conn.run(stmt);
      }
    } catch (err) {
      throw new StoreError(`creating the views in ${this.path} failed: ${describe(err)}`);
    } finally {
      conn.closeSync();
    }
  }

  /** Fold the write-ahead log into the file (cheap when there is little in it). */
  async checkpoint(): Promise<void> {
    if (this.readOnly) return;
    const conn = await this.instance.connect();
    try {
      await conn.run('CHECKPOINT');
    } finally {
      conn.closeSync();
    }
  }

  close(): void {
    this.instance.closeSync();
  }
}

/** Split a SQL file on statement-ending semicolons (outside quotes and comments). */
export function splitSql(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      cur += c;
      if (c === quote) quote = null;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      cur += '\n';
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    if (c === ';') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
