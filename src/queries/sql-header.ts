/**
 * SQL files with a metadata header: the leading `--` comment lines are YAML, the rest is the query.
 *
 *   -- id: reads-observed
 *   -- title: Reads reach the log
 *   SELECT ...
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { InputError } from '../errors.js';

export interface SqlFile {
  path: string;
  header: unknown;
  sql: string;
  /** Line (1-based) where the query starts, for messages. */
  sqlLine: number;
}

export function readSqlFile(path: string): SqlFile {
  return parseSqlFile(path, readFileSync(path, 'utf8'));
}

export function parseSqlFile(path: string, text: string): SqlFile {
  const lines = text.split('\n');
  let n = 0;
  while (n < lines.length && /^\s*--/.test(lines[n]!)) n++;
  const yamlText = lines
    .slice(0, n)
    .map((l) => l.replace(/^\s*-- ?/, ''))
    .join('\n');
  const doc = parseDocument(yamlText);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new InputError(`${path}:${e.linePos?.[0]?.line ?? 1}`, `the header (leading -- lines) is not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const sql = lines.slice(n).join('\n').trim().replace(/;\s*$/, '');
  if (!sql) throw new InputError(path, 'no query after the header');
  return { path, header: doc.toJS() ?? {}, sql, sqlLine: n + 1 };
}
