// A credential that cannot get a token (no Workload Identity, no managed identity, a wrong federated
// subject) must be reported as that, at once, without blaming the query or the network. The real
// LogsQueryClient and MonitorClient are used; the token fails before any request is sent.
import { describe, expect, it } from 'vitest';
import { AuthenticationError, CredentialUnavailableError, type TokenCredential } from '@azure/identity';
import { silentLogger } from '../../log.js';
import { createQuota } from '../quota.js';
import { ArmReader } from './arm.js';
import { armClient, logsQueryClient, type AzureIdentity } from './clients.js';
import { QueryRunner } from './query-runner.js';

function identityFailingWith(err: Error): { identity: AzureIdentity; calls: () => number } {
  let calls = 0;
  const credential: TokenCredential = {
    getToken: async () => {
      calls++;
      throw err;
    },
  };
  return { identity: { query: credential, arm: credential, key: 'test', kind: 'default' }, calls: () => calls };
}

const failures = [
  new CredentialUnavailableError('DefaultAzureCredential failed to retrieve a token from the included credentials.'),
  new AuthenticationError(400, { error: 'invalid_request', error_description: 'AADSTS70021: No matching federated identity record found for presented assertion.' }),
];

describe('AKS credentials that cannot get a token', () => {
  for (const err of failures) {
    it(`a query stops at once with what to set up (${err.name})`, async () => {
      const { identity, calls } = identityFailingWith(err);
      const runner = new QueryRunner({
        client: logsQueryClient(identity, { endpoint: 'https://127.0.0.1:9/v1' }),
        quota: createQuota('test', { limit: 100, intervalMs: 1000, concurrency: 5 }),
        workspaceId: '00000000-0000-0000-0000-000000000000',
        cluster: 'aks-prod',
        endpoint: 'https://127.0.0.1:9/v1',
        log: silentLogger(),
        signal: new AbortController().signal,
      });
      const failed = await runner.run('AKSAudit | take 1', [0, 3_600_000], 'AKSAudit').catch((e: unknown) => e);
      expect(failed).toMatchObject({ name: 'SourceError', retryable: false });
      const message = (failed as Error).message;
      expect(message).toContain(`could not get an Entra ID token (${err.name}`);
      expect(message).toContain('KUBETRAIL_AZURE_TOKEN');
      expect(message).not.toContain('query:');
      expect(message).not.toContain('reachable');
      expect(calls()).toBe(1);
    });
  }

  it('an ARM read says the same instead of "cannot reach ARM"', async () => {
    const { identity } = identityFailingWith(failures[0]!);
    const reader = new ArmReader(armClient(identity, 'sub', { armEndpoint: 'https://127.0.0.1:9' }), 'https://127.0.0.1:9');
    const r = await reader.get('/subscriptions/sub/x', '2021-05-01-preview', { action: 'Microsoft.Insights/diagnosticSettings/read', roles: 'Reader' });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toContain('could not get an Entra ID token (CredentialUnavailableError');
  });
});
