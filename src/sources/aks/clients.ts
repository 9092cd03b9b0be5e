/**
 * The Azure clients an AKS source uses, built the same way for the real service and for a test double:
 * the Log Analytics query client and the ARM pipeline (through @azure/arm-monitor's client), with the
 * job file's endpoint overrides, an extra CA to trust, and one credential. The SDKs' own retries are off:
 * every attempt must go through the identity's quota (see query-runner.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { DefaultAzureCredential } from '@azure/identity';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { MonitorClient } from '@azure/arm-monitor';
import { LogsQueryClient } from '@azure/monitor-query-logs';
import { errorBodyPolicy } from './query-runner.js';

/** Log Analytics query hosts and the token audience each one expects. */
const QUERY_AUDIENCES: Record<string, string> = {
  'api.loganalytics.io': 'https://api.loganalytics.io',
  'api.loganalytics.azure.com': 'https://api.loganalytics.io',
  'api.loganalytics.azure.cn': 'https://api.loganalytics.azure.cn',
  'api.loganalytics.us': 'https://api.loganalytics.us',
};
const ARM_AUDIENCES: Record<string, string> = {
  'management.azure.com': 'https://management.azure.com',
  'management.chinacloudapi.cn': 'https://management.chinacloudapi.cn',
  'management.usgovcloudapi.net': 'https://management.usgovcloudapi.net',
};

export const DEFAULT_QUERY_ENDPOINT = 'https://api.loganalytics.io/v1';
export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';

/**
 * The query endpoint with its API version path: with a custom endpoint the SDK does not add `/v1`,
 * so a bare host (`https://api.loganalytics.azure.cn`) gets it here; any other path is kept as given.
 */
export function queryEndpoint(configured?: string): string {
  if (!configured) return DEFAULT_QUERY_ENDPOINT;
  const u = new URL(configured);
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.origin}${path === '' ? '/v1' : path}`;
}

export function armEndpoint(configured?: string): string {
  if (!configured) return DEFAULT_ARM_ENDPOINT;
  const u = new URL(configured);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

const audienceFor = (endpoint: string, known: Record<string, string>, fallback: string): string =>
  known[new URL(endpoint).hostname.toLowerCase()] ?? fallback;

/** A token given from outside (KUBETRAIL_AZURE_TOKEN): used as is until it expires. */
export class StaticTokenCredential implements TokenCredential {
  private readonly expires: number;
  constructor(private readonly token: string) {
    const exp = jwtClaims(token)?.exp;
    this.expires = typeof exp === 'number' ? exp * 1000 : Date.now() + 3600e3;
  }
  async getToken(): Promise<AccessToken> {
    return { token: this.token, expiresOnTimestamp: this.expires };
  }
}

function jwtClaims(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export interface AzureIdentity {
  /** For Log Analytics. */
  query: TokenCredential;
  /** For ARM (a static token is issued for one audience: KUBETRAIL_AZURE_ARM_TOKEN, else the same token). */
  arm: TokenCredential;
  /** Who calls, for the quota scope: Log Analytics limits each Entra identity. Never the token itself. */
  key: string;
  /** How the credential was chosen, for messages. */
  kind: 'token' | 'default';
}

export function azureIdentity(env: NodeJS.ProcessEnv = process.env): AzureIdentity {
  const token = env.KUBETRAIL_AZURE_TOKEN?.trim();
  if (token) {
    const claims = jwtClaims(token);
    const who = typeof claims?.oid === 'string' ? `oid:${claims.oid}` : `token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
    const armToken = env.KUBETRAIL_AZURE_ARM_TOKEN?.trim();
    const query = new StaticTokenCredential(token);
    return { query, arm: armToken ? new StaticTokenCredential(armToken) : query, key: who, kind: 'token' };
  }
  const credential = new DefaultAzureCredential();
  return { query: credential, arm: credential, key: `default:${env.AZURE_CLIENT_ID ?? 'ambient'}`, kind: 'default' };
}

/** Trusted CAs: the system's plus the extra one (giving `ca` alone would replace the system's). */
export function trustedCas(caFile?: string): string[] | undefined {
  if (!caFile) return undefined;
  return [...rootCertificates, readFileSync(caFile, 'utf8')];
}

export interface ClientOptions {
  endpoint?: string;
  armEndpoint?: string;
  ca?: string[];
}

export function logsQueryClient(identity: AzureIdentity, opts: ClientOptions): LogsQueryClient {
  const endpoint = queryEndpoint(opts.endpoint);
  const client = new LogsQueryClient(identity.query, {
    endpoint,
    credentials: { scopes: [`${audienceFor(endpoint, QUERY_AUDIENCES, 'https://api.loganalytics.io')}/.default`] },
    retryOptions: { maxRetries: 0 },
    ...(opts.ca ? { tlsOptions: { ca: opts.ca } } : {}),
  });
  client.pipeline.addPolicy(errorBodyPolicy);
  return client;
}

export function armClient(identity: AzureIdentity, subscriptionId: string, opts: ClientOptions): MonitorClient {
  const endpoint = armEndpoint(opts.armEndpoint);
  return new MonitorClient(identity.arm, subscriptionId, {
    endpoint,
    $host: endpoint,
    credentialScopes: [`${audienceFor(endpoint, ARM_AUDIENCES, DEFAULT_ARM_ENDPOINT)}/.default`],
    retryOptions: { maxRetries: 2 },
    ...(opts.ca ? { tlsOptions: { ca: opts.ca } } : {}),
  });
}

export function containerServiceClient(identity: AzureIdentity, subscriptionId: string, opts: ClientOptions): ContainerServiceClient {
  const endpoint = armEndpoint(opts.armEndpoint);
  return new ContainerServiceClient(identity.arm, subscriptionId, {
    endpoint,
    credentials: { scopes: [`${audienceFor(endpoint, ARM_AUDIENCES, DEFAULT_ARM_ENDPOINT)}/.default`] },
    retryOptions: { maxRetries: 2 },
    ...(opts.ca ? { tlsOptions: { ca: opts.ca } } : {}),
  });
}
