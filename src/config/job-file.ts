/**
 * The job file's schema (design.md, "Job file"). Provider blocks live in providers/<provider>.ts; the
 * detect, coverage and reports sections in their own modules. Unknown keys are errors: a typo in a
 * security tool's configuration should not silently turn a check off.
 */
import { z } from 'zod';
import { aksCluster } from './providers/aks.js';
import { eksCluster } from './providers/eks.js';
import { filesCluster } from './providers/files.js';
import { gkeCluster } from './providers/gke.js';
import { detectSection } from './sections/detect.js';
import { coverageSection } from './sections/coverage.js';
import { reportsSection } from './sections/reports.js';

/**
 * Bytes staged per landing transaction unless the job says otherwise. A transaction that appends fewer
 * rows than a DuckDB row group (122,880) goes through the write-ahead log and is written a second time
 * at the next checkpoint; at about 1.5 KB per event, 512 MB is some 350,000 events, written once. The
 * landing streams from the staged file, so this costs disk (two batches per cluster), not memory.
 */
export const DEFAULT_BATCH_BYTES = 512 * 1024 * 1024;

export const clusterSchema = z.discriminatedUnion('provider', [eksCluster, gkeCluster, aksCluster, filesCluster], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'provider must be one of eks, gke, aks, files' : undefined,
});

export const jobFileSchema = z
  .object({
    /** The DuckDB file; relative paths are relative to the job file. */
    database: z.string().min(1),
    /** Where staged batches are written while they land (default: <database>.staging). */
    staging: z.string().min(1).optional(),
    /** DuckDB memory limit, e.g. 512MB, 2GB. */
    memoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as 512MB or 2GB').default('1GB'),
    threads: z.number().int().positive().optional(),
    /** Records staged per landing transaction, e.g. 256MB: larger is faster, smaller loses less to a crash and needs less disk. */
    batchSize: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB)$/i, 'a size such as 32MB')
      .transform((v) => {
        const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB)$/i.exec(v)!;
        return Math.round(Number(m[1]) * { KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[m[2]!.toUpperCase() as 'KB' | 'MB' | 'GB']);
      })
      .default(DEFAULT_BATCH_BYTES),
    /** Clusters pulled at the same time. */
    concurrency: z.number().int().min(1).max(32).default(4),
    clusters: z.array(clusterSchema).min(1, 'list at least one cluster'),
    detect: detectSection.optional(),
    coverage: coverageSection.optional(),
    reports: reportsSection.optional(),
  })
  .strict()
  .superRefine((job, ctx) => {
    const seen = new Map<string, number>();
    job.clusters.forEach((c, i) => {
      const first = seen.get(c.name);
      if (first !== undefined)
        ctx.addIssue({ code: 'custom', path: ['clusters', i, 'name'], message: `"${c.name}" is already the name of clusters[${first}]: names must be unique` });
      else seen.set(c.name, i);
    });
    // A misspelt override would silently leave a cluster on the defaults.
    for (const name of Object.keys(job.coverage?.clusters ?? {})) {
      if (!seen.has(name))
        ctx.addIssue({ code: 'custom', path: ['coverage', 'clusters', name], message: `"${name}" is not a cluster in this file (clusters: ${[...seen.keys()].join(', ')})` });
    }
  });

export type JobFile = z.output<typeof jobFileSchema>;
export type ClusterConfig = z.output<typeof clusterSchema>;
export type Provider = ClusterConfig['provider'];
