/**
 * Failures that a person must act on come back as one clear message naming the cluster, what failed,
 * the query, and what to do: a 400 (bad KQL, a table that does not exist), a 403, an untrusted TLS
 * certificate. Nothing is landed or committed by a pull that fails before its first commit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticEvents, tableRow } from '../fakes/aks-rows.js';
import { clusterId, harness, WORKSPACE_ID, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const RID = clusterId('prod');
const T0 = Date.parse('2026-07-01T00:00:00Z');
const NOW = new Date(T0 + 2 * 3600e3);

function seed(h: Harness): void {
  h.fake.addRows(WORKSPACE_ID, syntheticEvents('err', 50, T0 * 1000, 3600e6).map((e) => tableRow(e, 'AKSAudit', { resourceId: RID })));
}

describe('AKS errors', () => {
  it('a table named in the job file that the workspace lacks: 400 turned into what to check', async () => {
    h = await harness();
    seed(h);
    const r = await h.pull({ name: 'prod', resourceId: RID, table: 'AKSAuditAdmin' }, { now: NOW });
    expect(r.status).toBe('failed');
    expect(r.error).toContain('prod (aks): workspace');
    expect(r.error).toContain(`has no AKSAuditAdmin table`);
    expect(r.error).toContain("Failed to resolve table or column expression named 'AKSAuditAdmin'");
    expect(r.error).toContain('kube-audit-admin in resource-specific mode, or use table: auto.\n  query:\n    AKSAuditAdmin\n    | where _ResourceId =~');
    expect(await h.rows(`SELECT count(*)::INTEGER AS n FROM audit_events`)).toEqual([{ n: 0 }]);
  });

  it('a query the service rejects (400 bad KQL): the message names the cluster, the error and the query', async () => {
    h = await harness();
    seed(h);
    h.fake.failNext({
      match: /\| project/,
      status: 400,
      body: {
        error: {
          message: 'The request had some invalid properties',
          code: 'BadArgumentError',
          innererror: { code: 'SyntaxError', message: 'A syntax error occurred.', innererror: { code: 'SYN0002', message: "Query could not be parsed at 'tostring' on line [5,23]" } },
        },
      },
    });
    const r = await h.pull({ name: 'prod', resourceId: RID, table: 'AKSAudit' }, { now: NOW });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^prod \(aks\): Log Analytics rejected the query for table AKSAudit \(400: /);
    expect(r.error).toContain("SYN0002: Query could not be parsed at 'tostring' on line [5,23]");
    expect(r.error).toContain(`query:\n    AKSAudit\n    | where _ResourceId =~ '${RID}'`);
    expect(r.error).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(await h.rows(`SELECT count(*)::INTEGER AS n FROM pull_state`)).toEqual([{ n: 0 }]);
  });

  it('403 on the workspace names the role to grant', async () => {
    h = await harness();
    seed(h);
    h.fake.failNext({ status: 403, body: { error: { code: 'InsufficientAccessError', message: 'The provided credentials have insufficient access to perform the requested operation' } } });
    const r = await h.pull({ name: 'prod', resourceId: RID, table: 'AKSAudit' }, { now: NOW });
    expect(r.status).toBe('failed');
    expect(r.error).toContain(`the identity may not query workspace ${WORKSPACE_ID} (403: InsufficientAccessError: The provided credentials have insufficient access`);
    expect(r.error).toContain('grant it Log Analytics Reader on the workspace');
  });

  it('a certificate nobody vouches for (no caFile) is named as a TLS problem with the fix', async () => {
    h = await harness();
    seed(h);
    const r = await h.pull({ name: 'prod', resourceId: RID, table: 'AKSAudit', caFile: undefined }, { now: NOW });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/cannot verify the TLS certificate of https:\/\/127\.0\.0\.1:\d+\/v1 \([A-Z_]+\): if a proxy inspects TLS, set caFile to its CA certificate/);
    expect(h.fake.queries()).toEqual([]);
  });

  it('an unreadable caFile is reported with its path', async () => {
    h = await harness();
    const r = await h.pull({ name: 'prod', resourceId: RID, caFile: '/nonexistent/ca.pem' }, { now: NOW });
    expect(r.status).toBe('failed');
    expect(r.error).toContain('prod (aks): caFile /nonexistent/ca.pem cannot be read');
  });
});
