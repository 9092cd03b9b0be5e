/**
 * The detection library: one SQL file per detection under queries/detections/<area>/<id>.sql, whose
 * leading comment block is a YAML header with the metadata (see queries/detections/README.md). Files
 * whose name starts with "_" (the template) are not detections.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { parseDuration } from '../config/duration.js';
import type { AuditNeed, Detection, ProviderName } from './detection.js';
import { BUILTIN_PARAMETERS, PARAMETER_TYPES, parseParameterValue, type ParameterSpec } from './params.js';
import { SEVERITIES } from './severity.js';

const here = dirname(fileURLToPath(import.meta.url));
export const LIBRARY_DIR = join(here, '..', '..', 'queries', 'detections');

/** Default dedup period: evidence of one group within one UTC day is one finding. */
export const DEFAULT_DEDUP_MS = 86_400_000;

export interface LoadedDetection extends Detection {
  /** Folder under queries/detections (workloads, execution, ...). */
  area: string;
  /** The SQL body (header removed). */
  sql: string;
  parameters: ParameterSpec[];
  /** Name of the duration parameter that says how far back before new events this detection must see. */
  window?: string;
  /** Findings are grouped per period of this length (ms). */
  dedupMs: number;
  /** Where the logic comes from (peer rules), for reviewers. */
  references: string[];
  /** The fixture file next to it, if any. */
  fixtures?: string;
  /** Line of the SQL body's first line in the file (for error messages). */
  sqlLine: number;
}

const NEEDS = ['metadata', 'request-bodies', 'response-bodies', 'read-verbs'] as const satisfies readonly AuditNeed[];
const PROVIDERS = ['eks', 'gke', 'aks', 'files'] as const satisfies readonly ProviderName[];
const text = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v.map((s, i) => `${i + 1}. ${s}`).join('\n') : v.trim()));

const headerSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by "-"'),
    title: z.string().min(1),
    severity: z.enum(SEVERITIES),
    mitre: z.array(z.string().regex(/^T\d{4}(\.\d{3})?$/, 'a MITRE ATT&CK technique id such as T1609 or T1552.007')).min(1),
    needs: z.array(z.enum(NEEDS)).min(1),
    blind_on: z.partialRecord(z.enum(PROVIDERS), z.string().min(1)).default({}),
    partly_needs: z.partialRecord(z.enum(NEEDS), z.string().min(1)).default({}),
    description: text,
    false_positives: text,
    response: text,
    tags: z.array(z.string().regex(/^[a-z0-9-]+$/)).default([]),
    parameters: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case'),
        z.object({ type: z.enum(PARAMETER_TYPES), default: z.unknown(), description: z.string().min(1) }).strict(),
      )
      .default({}),
    window: z.string().optional(),
    dedup: z.string().optional(),
    references: z.array(z.string()).default([]),
  })
  .strict();

/** Every detection in the library, sorted by id. Throws ConfigError listing every problem found. */
export function loadLibrary(dir = LIBRARY_DIR): LoadedDetection[] {
  const problems: string[] = [];
  const out: LoadedDetection[] = [];
  for (const file of sqlFiles(dir)) {
    const d = parseDetectionFile(file, dir, problems);
    if (d) out.push(d);
  }
  const seen = new Map<string, string>();
  for (const d of out) {
    const prior = seen.get(d.id);
    if (prior) problems.push(`${d.file}: id "${d.id}" is already used by ${prior}`);
    else seen.set(d.id, d.file);
  }
  if (problems.length) throw new ConfigError(`the detection library in ${dir} has ${problems.length} problem(s)`, problems);
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

let cached: LoadedDetection[] | undefined;
/** The shipped library, read once per process. */
export function library(): LoadedDetection[] {
  cached ??= loadLibrary();
  return cached;
}

function sqlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sqlFiles(p));
    else if (name.endsWith('.sql') && !name.startsWith('_')) out.push(p);
  }
  return out;
}

export function parseDetectionFile(file: string, root: string, problems: string[]): LoadedDetection | undefined {
  const src = readFileSync(file, 'utf8');
  const rel = relative(process.cwd(), file) || file;
  const m = /^\s*\/\*([\s\S]*?)\*\//.exec(src);
  if (!m) {
    problems.push(`${rel}:1: a detection starts with a /* ... */ block holding its YAML header`);
    return undefined;
  }
  let raw: unknown;
  try {
    raw = parseYaml(m[1]!);
  } catch (err) {
    problems.push(`${rel}: the header is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
  const parsed = headerSchema.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues) problems.push(`${rel}: header ${i.path.join('.') || '(top)'}: ${i.message}`);
    return undefined;
  }
  const h = parsed.data;
  const before = problems.length;
  const name = basename(file, '.sql');
  if (name !== h.id) problems.push(`${rel}: the file name must be the id: "${h.id}.sql"`);

  const parameters: ParameterSpec[] = [];
  for (const [pname, p] of Object.entries(h.parameters)) {
    if ((BUILTIN_PARAMETERS as readonly string[]).includes(pname)) problems.push(`${rel}: parameter "${pname}" is built in; choose another name`);
    const v = parseParameterValue(p.type, p.default);
    if (!v.ok) problems.push(`${rel}: header parameters.${pname}.default: ${v.message}`);
    else parameters.push({ name: pname, type: p.type, default: v.value, description: p.description });
  }
  if (h.window !== undefined && h.parameters[h.window]?.type !== 'duration') {
    problems.push(`${rel}: header window: "${h.window}" must name a parameter of type duration`);
  }
  let dedupMs = DEFAULT_DEDUP_MS;
  if (h.dedup !== undefined) {
    const ms = parseDuration(h.dedup);
    if (ms === undefined || ms <= 0) problems.push(`${rel}: header dedup: "${h.dedup}" is not a duration`);
    else dedupMs = ms;
  }

  const sql = src.slice(m.index + m[0].length).trim().replace(/;\s*$/, '');
  const sqlLine = src.slice(0, m.index + m[0].length).split('\n').length;
  if (!sql) problems.push(`${rel}: no SQL after the header`);
  if (/;\s*\S/.test(stripLiterals(sql))) problems.push(`${rel}: one SELECT per detection (found ";" inside the SQL)`);
  const used = referencedParameters(sql);
  for (const u of used) {
    if (!h.parameters[u] && !(BUILTIN_PARAMETERS as readonly string[]).includes(u)) problems.push(`${rel}: the SQL uses $${u}, which the header does not declare`);
  }
  for (const p of parameters) if (!used.has(p.name)) problems.push(`${rel}: parameter "${p.name}" is declared but the SQL never uses $${p.name}`);
  if (problems.length > before) return undefined;

  const fixtures = file.replace(/\.sql$/, '.test.yaml');
  const area = relative(root, dirname(file)) || '.';
  return {
    id: h.id,
    title: h.title,
    severity: h.severity,
    mitre: h.mitre,
    needs: h.needs,
    blindOn: h.blind_on,
    partlyNeeds: h.partly_needs,
    description: h.description,
    falsePositives: h.false_positives,
    response: h.response,
    tags: h.tags,
    file: rel,
    area,
    sql,
    sqlLine,
    parameters,
    window: h.window,
    dedupMs,
    references: h.references,
    fixtures: exists(fixtures) ? fixtures : undefined,
  };
}

/** `$name` parameters the SQL refers to (outside string literals and comments). */
export function referencedParameters(sql: string): Set<string> {
  return new Set([...stripLiterals(sql).matchAll(/\$([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]!));
}

/** The SQL without string literals and comments, read left to right (an apostrophe in a comment is not a quote). */
export function stripLiterals(sql: string): string {
  let out = '';
  for (let i = 0; i < sql.length; ) {
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (sql[i] === "'") {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === "'" && sql[j + 1] !== "'")) j += sql[j] === "'" ? 2 : 1;
      out += "''";
      i = j + 1;
    } else {
      out += sql[i++];
    }
  }
  return out;
}

function exists(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
