/**
 * What an EKS cluster's audit configuration looks like, read each run:
 *   eks:DescribeCluster      -> audit_log_enabled, log_types, control_plane_log_types, kubernetes_version
 *   logs:DescribeLogGroups   -> log_group_exists, retention_days, log_group (name, class, size)
 * A denied or failed call makes its facts `unknown` with the reason (naming the missing IAM action);
 * it never stops the pull.
 */
import { DescribeLogGroupsCommand, type LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeClusterCommand } from '@aws-sdk/client-eks';
import type { PostureFact } from '../types.js';
import type { AwsClients, Identity } from './aws-clients.js';
import { credentialsMessage, deniedMessage, isAccessDenied, isBadCredentials, isNotFound, messageOf } from './aws-errors.js';
import { callWithRetry, type CallCounters, type RetryPolicy } from './retry.js';
import type { Quota } from '../quota.js';

/** Every fact this module reports. */
export const POSTURE_FACTS = ['audit_log_enabled', 'log_types', 'control_plane_log_types', 'kubernetes_version', 'log_group_exists', 'retention_days', 'log_group'] as const;

/** EKS control-plane log types (LogType in the EKS API). */
export const EKS_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;

export interface PostureInput {
  clients: AwsClients;
  identity: Identity;
  region: string;
  clusterName: string;
  logGroup: string;
  logsQuota: Quota;
  eksQuota: Quota;
  retry: RetryPolicy;
  counters: CallCounters;
  signal: AbortSignal;
}

export async function readPosture(p: PostureInput): Promise<PostureFact[]> {
  const [cluster, group] = await Promise.all([clusterFacts(p), logGroupFacts(p)]);
  return [...cluster, ...group];
}

const account = (p: PostureInput) => p.identity.account ?? '<account>';

async function clusterFacts(p: PostureInput): Promise<PostureFact[]> {
  const names = ['audit_log_enabled', 'log_types', 'control_plane_log_types', 'kubernetes_version'];
  try {
    const out = await callWithRetry(
      p.eksQuota,
      () => p.clients.eks.send(new DescribeClusterCommand({ name: p.clusterName }), { abortSignal: p.signal }),
      p.retry,
      p.counters,
      p.signal,
    );
    const c = out.cluster;
    const types = Object.fromEntries(EKS_LOG_TYPES.map((t) => [t, false])) as Record<string, boolean>;
    for (const setup of c?.logging?.clusterLogging ?? []) {
      for (const t of setup.types ?? []) if (setup.enabled) types[t] = true;
    }
    const where = `eks:DescribeCluster ${p.clusterName} logging.clusterLogging`;
    return [
      {
        fact: 'audit_log_enabled',
        status: 'known',
        value: types.audit === true,
        reason: types.audit ? `${where}: audit is enabled` : `${where}: the audit log type is not enabled, so EKS sends no audit events to CloudWatch`,
      },
      // the coverage contract's list (docs/posture-facts.md), and every type with its state
      { fact: 'log_types', status: 'known', value: EKS_LOG_TYPES.filter((t) => types[t]), reason: where },
      { fact: 'control_plane_log_types', status: 'known', value: types, reason: where },
      c?.version
        ? { fact: 'kubernetes_version', status: 'known', value: c.version, reason: `eks:DescribeCluster ${p.clusterName}` }
        : { fact: 'kubernetes_version', status: 'unknown', reason: 'eks:DescribeCluster returned no version' },
    ];
  } catch (err) {
    let reason: string;
    if (isAccessDenied(err)) {
      reason = deniedMessage('eks:DescribeCluster', `arn:aws:eks:${p.region}:${account(p)}:cluster/${p.clusterName}`, p.identity.arn, err);
    } else if (isNotFound(err)) {
      reason = `EKS cluster "${p.clusterName}" was not found in ${p.region} (account ${account(p)}): check \`cluster\` and \`region\` in the job file`;
    } else if (isBadCredentials(err)) {
      reason = credentialsMessage(err);
    } else {
      reason = `eks:DescribeCluster failed: ${messageOf(err)}`;
    }
    return names.map((fact) => ({ fact, status: 'unknown', reason }));
  }
}

async function logGroupFacts(p: PostureInput): Promise<PostureFact[]> {
  let found: LogGroup | undefined;
  try {
    let nextToken: string | undefined;
    do {
      const out = await callWithRetry(
        p.logsQuota,
        () => p.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: p.logGroup, nextToken }), { abortSignal: p.signal }),
        p.retry,
        p.counters,
        p.signal,
      );
      found = out.logGroups?.find((g) => g.logGroupName === p.logGroup);
      nextToken = found ? undefined : out.nextToken;
    } while (nextToken);
  } catch (err) {
    const reason = isAccessDenied(err)
      ? deniedMessage('logs:DescribeLogGroups', `arn:aws:logs:${p.region}:${account(p)}:log-group:*`, p.identity.arn, err)
      : isBadCredentials(err)
        ? credentialsMessage(err)
        : `logs:DescribeLogGroups failed: ${messageOf(err)}`;
    return ['log_group_exists', 'retention_days', 'log_group'].map((fact) => ({ fact, status: 'unknown', reason }));
  }
  const where = `${p.logGroup} in ${p.region} (account ${account(p)})`;
  if (!found) {
    return [
      {
        fact: 'log_group_exists',
        status: 'known',
        value: false,
        reason: `no audit logs delivered: the log group ${where} does not exist (EKS creates it when a control-plane log type is first enabled)`,
      },
      { fact: 'retention_days', status: 'unknown', reason: `the log group ${where} does not exist` },
      { fact: 'log_group', status: 'known', value: { name: p.logGroup, region: p.region, account: p.identity.account ?? null, exists: false } },
    ];
  }
  const retention = found.retentionInDays ?? null;
  return [
    { fact: 'log_group_exists', status: 'known', value: true, reason: `logs:DescribeLogGroups ${where}` },
    {
      fact: 'retention_days',
      status: 'known',
      value: retention,
      reason: retention === null ? `${p.logGroup} has no retentionInDays: CloudWatch keeps its events forever` : `${p.logGroup} retentionInDays`,
    },
    {
      fact: 'log_group',
      status: 'known',
      value: {
        name: p.logGroup,
        region: p.region,
        account: p.identity.account ?? null,
        exists: true,
        arn: found.arn ?? null,
        class: found.logGroupClass ?? 'STANDARD',
        stored_bytes: found.storedBytes ?? null,
        created: found.creationTime === undefined ? null : new Date(found.creationTime).toISOString(),
      },
      reason:
        found.logGroupClass === 'INFREQUENT_ACCESS'
          ? 'an Infrequent Access log group cannot be read with FilterLogEvents (only Logs Insights)'
          : undefined,
    },
  ];
}
