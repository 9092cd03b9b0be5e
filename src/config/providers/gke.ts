import { z } from 'zod';
import { clusterBase, incremental } from '../common.js';

const hostPort = z.string().regex(/^[^:\s]+:\d+$/, 'host:port');

export const gkeCluster = z
  .object({
    ...clusterBase,
    ...incremental,
    provider: z.literal('gke'),
    project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a Google Cloud project ID'),
    location: z.string().min(1),
    cluster: z.string().min(1),
    /** Cloud Logging gRPC endpoint host:port (private endpoint, emulator, test double). */
    endpoint: hostPort.optional(),
    /** Resource Manager gRPC endpoint host:port for the IAM policy (posture); with `insecure`, defaults to `endpoint`. */
    resourceManagerEndpoint: hostPort.optional(),
    /** Plaintext gRPC to `endpoint` (emulators and test doubles only). */
    insecure: z.boolean().default(false),
    /** entries.list requests per minute for this project (Google: 60). */
    requestsPerMinute: z.number().positive().max(60).default(60),
  })
  .strict()
  .refine((c) => !c.insecure || c.endpoint, { message: 'insecure: true needs an endpoint', path: ['insecure'] });
