import { z } from 'zod';
import { clusterBase, incremental } from '../common.js';

/**
 * An AKS cluster whose audit logs a diagnostic setting sends to a Log Analytics workspace. For AKS,
 * `lateness` is how long after an event Log Analytics may still ingest it and kubetrail still read it
 * (incremental pulls follow ingestion time; see docs/providers/aks.md). Default 2h.
 */
const httpsUrl = z.url().refine((u) => u.startsWith('https://'), 'must be an https:// URL (the Azure SDKs send bearer tokens only over TLS; for a test double use caFile)');

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
    /**
     * The workspace's ARM resource ID, for the retention and table-plan facts when the cluster's
     * diagnostic settings cannot be read (they name the workspace otherwise).
     */
    workspaceResourceId: z
      .string()
      .regex(
        /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i,
        'the workspace resource ID: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>',
      )
      .optional(),
    /** Log Analytics query endpoint including /v1 (sovereign clouds, proxies, test doubles). */
    endpoint: httpsUrl.optional(),
    armEndpoint: httpsUrl.optional(),
    /** Extra CA certificate (PEM) to trust, for TLS-inspecting proxies and test doubles. */
    caFile: z.string().optional(),
    /** Queries per 30 s for this identity (Azure: 200). */
    requestsPer30s: z.number().positive().max(200).default(200),
  })
  .strict();
