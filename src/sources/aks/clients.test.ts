import { describe, expect, it } from 'vitest';
import { armEndpoint, azureIdentity, queryEndpoint, StaticTokenCredential } from './clients.js';

describe('endpoints', () => {
  it('the query endpoint keeps a given path and adds /v1 to a bare host (the SDK does not)', () => {
    expect(queryEndpoint()).toBe('https://api.loganalytics.io/v1');
    expect(queryEndpoint('https://api.loganalytics.azure.cn')).toBe('https://api.loganalytics.azure.cn/v1');
    expect(queryEndpoint('https://api.loganalytics.azure.cn/')).toBe('https://api.loganalytics.azure.cn/v1');
    expect(queryEndpoint('https://proxy.corp:8443/la/v1/')).toBe('https://proxy.corp:8443/la/v1');
    expect(armEndpoint('https://management.chinacloudapi.cn/')).toBe('https://management.chinacloudapi.cn');
  });
});

describe('credentials', () => {
  const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

  it('a token from KUBETRAIL_AZURE_TOKEN is used as is, until its exp', async () => {
    const t = jwt({ oid: 'abc', exp: 2_000_000_000 });
    expect(await new StaticTokenCredential(t).getToken()).toEqual({ token: t, expiresOnTimestamp: 2_000_000_000_000 });
  });

  it('the quota scope is the identity (oid), never the token', () => {
    const id = azureIdentity({ KUBETRAIL_AZURE_TOKEN: jwt({ oid: '1234' }) });
    expect(id.key).toBe('oid:1234');
    expect(id.kind).toBe('token');
    const opaque = azureIdentity({ KUBETRAIL_AZURE_TOKEN: 'secret-value' });
    expect(opaque.key).toMatch(/^token:[0-9a-f]{16}$/);
    expect(opaque.key).not.toContain('secret-value');
  });

  it('a separate ARM token when given', async () => {
    const id = azureIdentity({ KUBETRAIL_AZURE_TOKEN: 'la', KUBETRAIL_AZURE_ARM_TOKEN: 'arm' });
    expect((await id.query.getToken('x'))?.token).toBe('la');
    expect((await id.arm.getToken('x'))?.token).toBe('arm');
  });

  it('without a token: DefaultAzureCredential, one scope per client id', () => {
    const id = azureIdentity({ AZURE_CLIENT_ID: 'c1' });
    expect(id.kind).toBe('default');
    expect(id.key).toBe('default:c1');
  });
});
