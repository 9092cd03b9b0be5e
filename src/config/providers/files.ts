import { z } from 'zod';
import { clusterBase } from '../common.js';

export const filesCluster = z
  .object({
    ...clusterBase,
    provider: z.literal('files'),
    /** Files, directories or globs; rotated and gzipped logs included. */
    paths: z.array(z.string().min(1)).min(1, 'list at least one file, directory or glob'),
  })
  .strict();
