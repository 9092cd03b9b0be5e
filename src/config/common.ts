import { z } from 'zod';
import { parseDuration } from './duration.js';

/** A duration in the job file ("10m", "24h", "7d"), as milliseconds. */
export const duration = (what: string) =>
  z
    .string()
    .transform((s, ctx) => {
      const ms = parseDuration(s);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration for ${what}: use a number and a unit, e.g. 90s, 10m, 24h, 7d` });
        return z.NEVER;
      }
      return ms;
    });

export const clusterName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'a cluster name: letters, digits, ".", "_", "-" (at most 63), starting with a letter or digit');

/** Fields every cluster entry has, whatever its provider. */
export const clusterBase = {
  name: clusterName,
  /** Labels copied into reports (team, environment, ...). */
  labels: z.record(z.string(), z.string()).optional(),
  /** Leave the cluster in the file but do not pull it. */
  enabled: z.boolean().default(true),
};

/** Incremental pull settings shared by the cloud sources. */
export const incremental = {
  /** How far before the watermark each run starts again, to catch late deliveries. */
  lateness: duration('lateness').optional(),
  /** First run: how far back to start. */
  lookback: duration('lookback').default(24 * 3600e3),
};
