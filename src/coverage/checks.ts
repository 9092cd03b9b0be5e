/**
 * The coverage checks: one SQL file each under queries/coverage/, its id the file name. The header says
 * what the check means, which thresholds it uses and, per provider, the exact change that fixes an alarm.
 *
 * The query is one SELECT returning, for every row of kt_cov_clusters, exactly one row:
 *   cluster, status ('ok' | 'alarm' | 'unknown' | 'info'), reason (a sentence with numbers),
 *   evidence (JSON), remediation (VARCHAR; NULL = the header's text for the cluster's provider).
 * It may read kt_cov_clusters, kt_cov_facts, kt_cov_observed, kt_cov_required_facts, kt_cov_detections
 * (see prepare.ts) and the store's tables; it takes no parameters (the clock is kt_cov_clusters.now_at).
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { readSqlFile } from '../queries/sql-header.js';

export const CHECKS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'queries', 'coverage');

const PROVIDERS = ['eks', 'gke', 'aks', 'files'] as const;
export type CheckProvider = (typeof PROVIDERS)[number];

const headerSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string().min(1),
    /** configuration: read from the provider's settings; observed: measured on the landed events. */
    kind: z.enum(['configuration', 'observed']),
    /** Position in reports (configuration checks first). */
    order: z.number().int(),
    /** A word or two for the fleet table's column head. */
    label: z.string().min(1).max(14),
    means: z.string().min(1),
    thresholds: z.string().min(1),
    remediation: z.object({ eks: z.string(), gke: z.string(), aks: z.string(), files: z.string() }).partial().strict(),
  })
  .strict();

export interface CoverageCheck extends z.output<typeof headerSchema> {
  file: string;
  sql: string;
}

export function loadChecks(dir = CHECKS_DIR): CoverageCheck[] {
  const checks = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => {
      const path = join(dir, f);
      const file = readSqlFile(path);
      const parsed = headerSchema.safeParse(file.header);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(header)'}: ${i.message}`).join('; ');
        throw new InputError(path, `the check's header is not valid: ${issues}`);
      }
      if (parsed.data.id !== basename(f, '.sql')) throw new InputError(path, `id "${parsed.data.id}" must be the file name without .sql`);
      return { ...parsed.data, file: path, sql: file.sql };
    });
  return checks.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}
