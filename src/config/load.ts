/**
 * Reading a job file: YAML, `${VAR}` expansion from the environment, schema validation. Every problem
 * is reported at once, each with the file, the line, the path inside the file (`clusters[2].region`)
 * and what is expected.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { jobFileSchema, type JobFile } from './job-file.js';

export interface LoadedJob {
  path: string;
  job: JobFile;
  /** Resolve a path from the job file (relative to the file's directory). */
  resolvePath(p: string): string;
}

export function loadJobFile(path: string, env: NodeJS.ProcessEnv = process.env): LoadedJob {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT' ? `${path}: no such job file (see jobs/ for examples)` : `${path}: cannot read the job file (${code ?? String(err)})`,
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length) {
    throw new ConfigError(
      `${path}: not valid YAML`,
      doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  // The line of the value at a path, or of the nearest enclosing one (a missing key has no line of its own).
  const lineOf = (p: readonly PropertyKey[]): number | undefined => {
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n) as unknown[], true) as Node | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const where = (p: readonly PropertyKey[]): string => {
    const line = lineOf(p);
    return `${path}${line ? `:${line}` : ''} ${formatPath(p)}`;
  };

  const problems: string[] = [];
  const raw = expand(doc.toJS() ?? {}, [], env, (p, msg) => problems.push(`${where(p)}: ${msg}`));
  if (problems.length) throw new ConfigError(`${path}: environment variables missing`, problems);

  const parsed = jobFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = [...parsed.error.issues].sort((a, b) => (lineOf(a.path) ?? 0) - (lineOf(b.path) ?? 0));
    throw new ConfigError(`${path}: the job file has ${issues.length} problem(s)`, issues.map((i) => describeIssue(i, where)));
  }
  const dir = dirname(resolve(path));
  return { path, job: parsed.data, resolvePath: (p) => (isAbsolute(p) ? p : resolve(dir, p)) };
}

/** `clusters[2].region` */
export function formatPath(p: readonly PropertyKey[]): string {
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('') || '(top level)';
}

function describeIssue(issue: z.core.$ZodIssue, where: (p: readonly PropertyKey[]) => string): string {
  const at = where(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${at}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling against the README)`;
    case 'invalid_type':
      return issue.input === undefined ? `${at}: required` : `${at}: ${issue.message}`;
    default:
      return `${at}: ${issue.message}`;
  }
}

const VAR = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*?))?\}/g;

function expand(value: unknown, path: PropertyKey[], env: NodeJS.ProcessEnv, problem: (p: PropertyKey[], msg: string) => void): unknown {
  if (typeof value === 'string') {
    return value.replace(VAR, (m, name: string | undefined, dflt: string | undefined) => {
      if (m === '$$') return '$';
      const v = env[name!];
      if (v !== undefined && v !== '') return v;
      if (dflt !== undefined) return dflt;
      problem(path, `\${${name}} is not set in the environment (set it, or write \${${name}:-default})`);
      return m;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expand(v, [...path, i], env, problem));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, [...path, k], env, problem)]));
  }
  return value;
}

