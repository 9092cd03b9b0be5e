/**
 * Turning the paths a user gives (files, directories, globs) into the files to read. Directories are read
 * recursively for audit-log-looking files; a glob is matched as written. Files come oldest first, so that
 * rotated logs land before the active one.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { InputError } from '../../errors.js';

/** Names a directory walk picks up: JSON and log files, their rotations (.1, -2024…), gzip. */
const LOG_FILE = /\.(json|jsonl|ndjson|log|txt)(\.\d+)?(\.gz)?$|\.log[-.][\w.-]+$|\.gz$/i;

export interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface Discovery {
  files: FoundFile[];
  /** Paths that matched nothing, or could not be listed: reported, never fatal. */
  problems: Array<{ path: string; message: string }>;
  /** Files a directory walk passed over because their name is not a log file's. */
  ignored: string[];
}

export async function discover(patterns: readonly string[], cwd = process.cwd()): Promise<Discovery> {
  const seen = new Map<string, FoundFile>();
  const problems: Discovery['problems'] = [];
  const ignored: string[] = [];
  for (const pattern of patterns) {
    if (isDynamicPattern(pattern)) {
      const matches = await glob(pattern, { cwd, absolute: true, onlyFiles: true, dot: false, followSymbolicLinks: true });
      if (matches.length === 0) problems.push({ path: pattern, message: 'matches no file' });
      for (const m of matches) add(m);
      continue;
    }
    const abs = resolve(cwd, pattern);
    let st;
    try {
      st = statSync(abs);
    } catch (err) {
      problems.push({ path: pattern, message: describeFsError(err, 'does not exist') });
      continue;
    }
    if (st.isDirectory()) {
      const all = await glob('**/*', { cwd: abs, absolute: true, onlyFiles: true, dot: false, followSymbolicLinks: true });
      for (const f of all) (LOG_FILE.test(f) ? add(f) : ignored.push(f));
    } else add(abs);
  }
  const files = [...seen.values()].sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));
  return { files, problems, ignored: ignored.sort() };

  function add(path: string): void {
    if (seen.has(path)) return;
    try {
      const st = statSync(path);
      seen.set(path, { path, size: st.size, mtimeMs: st.mtimeMs });
    } catch (err) {
      problems.push({ path, message: describeFsError(err, 'vanished while listing') });
    }
  }
}

/** An fs error as a sentence that says what to do. */
export function describeFsError(err: unknown, notFound = 'does not exist'): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return notFound;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: make the file readable by the user kubetrail runs as';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'Z_BUF_ERROR':
    case 'Z_DATA_ERROR':
      return `the gzip data is damaged (${(err as Error).message}): the lines before the damage were read; replace the file with an intact copy to read the rest`;
    default:
      return `${code ?? 'error'}: ${(err as Error)?.message ?? String(err)}`;
  }
}

export function assertReadable(path: string): void {
  try {
    statSync(path);
  } catch (err) {
    throw new InputError(path, describeFsError(err));
  }
}
