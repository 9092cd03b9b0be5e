/**
 * Reading a job file: YAML, `${VAR}` expansion from the environment, schema validation. Every problem
 * is reported at once, each with the file, the line, the path inside the file (`clusters[2].region`)
 * and what is expected.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, isScalar, parseDocument, type Node } from 'yaml';
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
  // `concurrency: ${CONC}` must give a number, as `concurrency: 4` does: a plain (unquoted) scalar that is
  // exactly one variable takes the type its expanded text has in YAML (numbers and booleans only).
  const typed = new Map<string, { path: PropertyKey[]; text: string }>();
  const isPlain = (p: readonly PropertyKey[]): boolean => {
    const node = doc.getIn(p as unknown[], true);
    return isScalar(node) && node.type === 'PLAIN';
  };
  const raw = expand(doc.toJS() ?? {}, [], env, {
    problem: (p, msg) => problems.push(`${where(p)}: ${msg}`),
    isPlain,
    typed: (p, text) => typed.set(JSON.stringify(p), { path: p, text }),
  });
  if (problems.length) throw new ConfigError(`${path}: environment variables missing`, problems);

  let parsed = jobFileSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    // ...unless the schema wants text there (a cluster named ${NAME} with NAME=123): then it stays text.
    let retyped = false;
    for (const issue of parsed.error.issues) {
      const t = typed.get(JSON.stringify(issue.path));
      if (t && issue.code === 'invalid_type' && issue.expected === 'string') {
        setIn(raw, t.path, t.text);
        retyped = true;
      }
    }
    if (retyped) parsed = jobFileSchema.safeParse(raw, { reportInput: true });
  }
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
      return issue.input === undefined ? `${at}: required` : `${at}: expected ${expectedText(issue.expected)}, got ${actualText(issue.input)}`;
    default:
      return `${at}: ${issue.message}`;
  }
}

function expectedText(expected: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping (key: value lines)',
    record: 'a mapping (key: value lines)',
  };
  return names[expected] ?? expected;
}

function actualText(input: unknown): string {
  if (input === null) return 'an empty value';
  if (Array.isArray(input)) return 'a list';
  switch (typeof input) {
    case 'string':
      return `the string ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`;
    case 'number':
      return `the number ${input}`;
    case 'boolean':
      return `the boolean ${input}`;
    case 'object':
      return input instanceof Date ? 'a date' : 'a mapping';
    default:
      return typeof input;
  }
}

function setIn(root: unknown, path: readonly PropertyKey[], value: unknown): void {
  let node = root as Record<PropertyKey, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<PropertyKey, unknown>;
  node[path[path.length - 1]!] = value;
}

/** The number or boolean a plain YAML scalar with this text is, or undefined (text, null, anything else). */
function scalarType(text: string): number | boolean | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length || !isScalar(doc.contents)) return undefined;
  const v = doc.contents.value;
  return typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

interface ExpandHooks {
  problem(p: PropertyKey[], msg: string): void;
  isPlain(p: readonly PropertyKey[]): boolean;
  typed(p: PropertyKey[], text: string): void;
}

const VAR = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*?))?\}/g;

function expand(value: unknown, path: PropertyKey[], env: NodeJS.ProcessEnv, hooks: ExpandHooks): unknown {
  if (typeof value === 'string') {
    let missing = false;
    let whole = false; // the value is exactly one ${VAR}
    const text = value.replace(VAR, (m, name: string | undefined, dflt: string | undefined) => {
      whole = m === value;
      if (m === '$$') return '$';
      const v = env[name!];
      if (v !== undefined && v !== '') return v;
      if (dflt !== undefined) return dflt;
      missing = true;
      hooks.problem(path, `\${${name}} is not set in the environment (set it, or write \${${name}:-default})`);
      return m;
    });
    if (!missing && whole && hooks.isPlain(path)) {
      const t = scalarType(text);
      if (t !== undefined) {
        hooks.typed(path, text);
        return t;
      }
    }
    return text;
  }
  if (Array.isArray(value)) return value.map((v, i) => expand(v, [...path, i], env, hooks));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, [...path, k], env, hooks)]));
  }
  return value;
}

