import { z } from 'zod';
import { clusterBase, incremental } from '../common.js';

export const aksCluster = z
  .object({
    ...clusterBase,
    ...incremental,
    provider: z.literal('aks'),
    workspaceId: z.guid('the Log Analytics workspace ID (a GUID)'),
    resourceId: z
      .string()
      .regex(
        /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/i,
        'the managed cluster resource ID: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>',
      ),
    table: z.enum(['auto', 'AKSAudit', 'AKSAuditAdmin', 'AzureDiagnostics']).default('auto'),
    /** Log Analytics query endpoint including /v1 (sovereign clouds, proxies, test doubles). */
    endpoint: z.url().optional(),
    armEndpoint: z.url().optional(),
    /** Extra CA certificate (PEM) to trust, for TLS-inspecting proxies and test doubles. */
    caFile: z.string().optional(),
    /** Queries per 30 s for this identity (Azure: 200). */
    requestsPer30s: z.number().positive().max(200).default(200),
  })
  .strict();
