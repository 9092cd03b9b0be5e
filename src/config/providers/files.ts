import { z } from 'zod';
import { clusterBase } from '../common.js';

export const filesCluster = z
  .object({
    ...clusterBase,
    provider: z.literal('files'),
    /** Files, directories or globs; rotated and gzipped logs included. */
    paths: z.array(z.string().min(1)).min(1, 'list at least one file, directory or glob'),
    /**
     * Where the files come from when they are a managed cluster's exports (e.g. AKS diagnostic logs in a
     * storage account): the `provider` recorded for the cluster, so detections and coverage apply that
     * platform's rules. Default: a self-hosted cluster (provider `files`).
     */
    origin: z.enum(['eks', 'gke', 'aks']).optional(),
  })
  .strict();
