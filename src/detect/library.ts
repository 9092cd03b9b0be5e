/**
 * STAND-IN for the detection library loader (the detection engine owns the real one): reads the header
 * of every queries/detections/**\/*.sql so the coverage checks and reports can use the metadata. The
 * header is YAML in the leading `--` lines; the id is the path under the directory without `.sql`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { readSqlFile } from '../queries/sql-header.js';
import type { Detection } from './detection.js';
import { SEVERITIES } from './run.js';

export const DETECTIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'queries', 'detections');

const providerMap = z.object({ eks: z.string(), gke: z.string(), aks: z.string(), files: z.string() }).partial().strict();

const header = z.object({
  id: z.string().optional(),
  title: z.string().min(1),
  severity: z.enum(SEVERITIES),
  mitre: z.array(z.string()).default([]),
  needs: z.array(z.enum(['metadata', 'request-bodies', 'response-bodies', 'read-verbs'])).default(['metadata']),
  blindOn: providerMap.default({}),
  description: z.string().default(''),
  falsePositives: z.string().default(''),
  response: z.string().default(''),
  tags: z.array(z.string()).default([]),
});

export function loadDetections(dir = DETECTIONS_DIR): Detection[] {
  if (!existsSync(dir)) return [];
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.sql') && !f.split(sep).some((p) => p.startsWith('_'))).sort();
  return files.map((f) => {
    const path = join(dir, f);
    const parsed = header.safeParse(readSqlFile(path).header);
    if (!parsed.success) throw new InputError(path, `the detection's header is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const id = relative(dir, path).split(sep).join('/').replace(/\.sql$/, '');
    const { id: _ignored, ...meta } = parsed.data;
    return { id, ...meta, file: path };
  });
}
