/**
 * The AWS SDK clients one EKS cluster entry needs, and who they act as. Credentials come from the SDK's
 * default chain (environment, shared profile, IRSA web identity, EKS Pod Identity, instance role), from
 * `profile`, and through `roleArn` (AssumeRole, for organisations with an account per cluster). The
 * clients never retry on their own (maxAttempts 1): retries go through the quota (retry.ts).
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EKSClient } from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

export interface AwsTarget {
  /** The job file's cluster name (for the AssumeRole session name). */
  name: string;
  region: string;
  endpoint?: string;
  eksEndpoint?: string;
  stsEndpoint?: string;
  profile?: string;
  roleArn?: string;
}

export interface AwsClients {
  logs: CloudWatchLogsClient;
  eks: EKSClient;
  sts: STSClient;
  /** The identity the three clients sign with (after AssumeRole when roleArn is set). */
  credentials: AwsCredentialIdentityProvider;
  destroy(): void;
}

export interface ClientOptions {
  /** Credentials to start from instead of the default chain (tests use static ones). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Per-request timeout; a hung request fails and is retried. */
  requestTimeoutMs?: number;
}

export function createAwsClients(t: AwsTarget, opts: ClientOptions = {}): AwsClients {
  const base = opts.credentials ?? fromNodeProviderChain(t.profile ? { profile: t.profile } : {});
  const stsConfig = { region: t.region, ...(t.stsEndpoint ? { endpoint: t.stsEndpoint } : {}), maxAttempts: 3 };
  const credentials: AwsCredentialIdentityProvider = t.roleArn
    ? shared(
        fromTemporaryCredentials({
          params: { RoleArn: t.roleArn, RoleSessionName: `kubetrail-${t.name}`.slice(0, 64), DurationSeconds: 3600 },
          masterCredentials: base,
          clientConfig: stsConfig,
        }),
      )
    : typeof base === 'function'
      ? base
      : async () => base;
  const common = {
    region: t.region,
    credentials,
    maxAttempts: 1,
    requestHandler: { requestTimeout: opts.requestTimeoutMs ?? 60_000, connectionTimeout: 10_000 },
  };
  const logs = new CloudWatchLogsClient({ ...common, ...(t.endpoint ? { endpoint: t.endpoint } : {}) });
  const eks = new EKSClient({ ...common, ...(t.eksEndpoint ? { endpoint: t.eksEndpoint } : {}) });
  // STS is not a quota kubetrail shares; let its client retry as usual.
  const sts = new STSClient({ ...common, ...stsConfig });
  return {
    logs,
    eks,
    sts,
    credentials,
    destroy() {
      logs.destroy();
      eks.destroy();
      sts.destroy();
    },
  };
}

export interface Identity {
  /** The 12-digit account the cluster's calls are billed to (quota scope); undefined when it could not be read. */
  account?: string;
  /** The principal, for messages about missing permissions. */
  arn?: string;
  /** Why the account is unknown. */
  problem?: string;
}

/** The account: from roleArn when set (no call), else sts:GetCallerIdentity. */
export async function resolveIdentity(t: AwsTarget, sts: STSClient, signal: AbortSignal): Promise<Identity> {
  const fromRole = t.roleArn ? /^arn:aws[\w-]*:iam::(\d{12}):role\//.exec(t.roleArn)?.[1] : undefined;
  if (fromRole) return { account: fromRole, arn: t.roleArn };
  try {
    const who = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    return who.Account ? { account: who.Account, arn: who.Arn } : { arn: who.Arn, problem: 'sts:GetCallerIdentity returned no account' };
  } catch (err) {
    return { problem: `sts:GetCallerIdentity failed: ${(err as Error).message}` };
  }
}

/** One AssumeRole for all three clients, renewed five minutes before it expires. */
function shared(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  let expires = 0;
  return (props) => {
    if (!current || Date.now() > expires - 5 * 60_000) {
      const p = provider(props);
      current = p;
      p.then(
        (c) => void (expires = c.expiration?.getTime() ?? Number.POSITIVE_INFINITY),
        () => void (current === p && (current = undefined)),
      );
      expires = Number.POSITIVE_INFINITY; // until it resolves, callers share this promise
    }
    return current;
  };
}
