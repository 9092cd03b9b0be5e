import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { ConfigError, describe } from '../../errors.js';
import { Database } from '../../store/database.js';
import { handle, openJob } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { SetExit } from '../main.js';
import { formatRows, type OutputFormat } from '../table.js';

export function registerSql(program: Command, set: SetExit): void {
  program
    .command('sql')
    .description('query the database, read-only (query as argument, -f FILE, or stdin)')
    .option('--config <file>', 'job file (its database)')
    .option('--db <file>', 'a DuckDB file directly')
    .option('-f, --file <file>', 'read the query from a file')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .option('--max-width <n>', 'table format: widest a column may be (0: no limit)', '80')
    .argument('[query]', 'SQL; several statements are run in turn')
    .action(async (query: string | undefined, opts: { config?: string; db?: string; file?: string; format: OutputFormat; maxWidth: string }) => {
      set(
        await handle(async () => {
          if (!opts.config === !opts.db) throw new ConfigError('give either --config FILE or --db FILE');
          const path = opts.db ?? (() => {
            const job = openJob(opts.config);
            return job.resolvePath(job.job.database);
          })();
          const sql = query ?? (opts.file ? readQueryFile(opts.file) : await readStdin());
          if (!sql.trim()) throw new ConfigError('no query: give it as an argument, with -f FILE, or on stdin');
          const db = await Database.open(path, { readOnly: true });
          const conn = await db.connect();
          try {
            let statements;
            try {
              statements = await conn.extractStatements(sql);
            } catch (err) {
              process.stderr.write(`kubetrail: SQL error: ${describe(err)}\n`);
              return EXIT.usage;
            }
            for (let i = 0; i < statements.count; i++) {
              let reader;
              try {
                const prepared = await statements.prepare(i);
                reader = await prepared.runAndReadAll();
              } catch (err) {
                process.stderr.write(`kubetrail: SQL error${statements.count > 1 ? ` in statement ${i + 1}` : ''}: ${describe(err)}\n`);
                return EXIT.usage;
              }
              process.stdout.write(formatRows(reader.columnNames(), reader.getRowObjectsJson(), opts.format, Number(opts.maxWidth)));
            }
            return EXIT.ok;
          } finally {
            conn.closeSync();
            db.close();
          }
        }),
      );
    });
}

function readQueryFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`-f ${path}: cannot read the query file (${(err as NodeJS.ErrnoException).code ?? describe(err)})`);
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
