import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness } from './harness.js';

const NOW = new Date('2026-11-20T12:00:00Z');
let h: Harness;
beforeEach(async () => {
  h = await new Harness().start();
});
afterEach(async () => h.stop());

const facts = async (cluster = 'prod-gke') =>
  Object.fromEntries(
    (await h.query(`SELECT fact, status, CAST(value AS VARCHAR) AS value, reason FROM posture_facts WHERE cluster = $1`, [cluster])).map((r) => [
      r.fact,
      { status: r.status, value: r.value === null ? undefined : JSON.parse(String(r.value)), reason: r.reason },
    ]),
  ) as Record<string, { status: string; value?: any; reason?: string }>;

describe('GKE posture facts', () => {
  it('reads a project without Data Access logging: default buckets, no exclusions', async () => {
    await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    const f = await facts();
    expect(f.audit_logs_enabled).toMatchObject({ status: 'known', value: true });
    expect(f.data_access_logs!.status).toBe('known');
    expect(f.data_access_logs!.value).toEqual({
      enabled: false,
      logTypes: { ADMIN_READ: false, DATA_READ: false, DATA_WRITE: false },
      services: [],
      exemptedMembers: [],
      enabledBy: [],
      policiesRead: ['projects/acme-prod'],
    });
    expect(f.data_access_logs!.reason).toBe('not enabled in the IAM policies of projects/acme-prod (auditConfigs for allServices or container.googleapis.com)');
    expect(f.reads_logged).toMatchObject({ status: 'known', value: false });
    expect(f.default_bucket!.value).toEqual({ name: 'projects/acme-prod/locations/global/buckets/_Default', retentionDays: 30, locked: false, lifecycleState: 'ACTIVE' });
    expect(f.required_bucket!.value).toEqual({ name: 'projects/acme-prod/locations/global/buckets/_Required', retentionDays: 400, locked: true, lifecycleState: 'ACTIVE' });
    expect(f.retention_days).toMatchObject({ status: 'known', value: 400 });
    expect(f.log_exclusions).toMatchObject({ status: 'known', value: { exclusions: [], mayDrop: [] } });
    expect(f.reader_permissions).toMatchObject({ status: 'known', value: { 'logging.logEntries.list': true, 'logging.privateLogEntries.list': true } });
    expect(f.default_sink!.value).toMatchObject({ destination: 'logging.googleapis.com/projects/acme-prod/locations/global/buckets/_Default', disabled: false });
  });

  it('sees Data Access enabled for allServices, a 7-day _Default bucket, exclusions that drop k8s.io entries, and a reader without Private Logs Viewer', async () => {
    const s = h.fake.settings('acme-prod');
    s.policy.audit_configs = [
      { service: 'allServices', audit_log_configs: [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ', exempted_members: ['user:ci@example.com'] }] },
      { service: 'storage.googleapis.com', audit_log_configs: [{ log_type: 'DATA_WRITE' }] },
    ];
    s.permissions = ['logging.logEntries.list'];
    s.sinks._Default!.exclusions = [
      { name: 'drop-k8s-reads', filter: 'protoPayload.serviceName="k8s.io" AND protoPayload.methodName:".list"' },
      { name: 'gce-noise', filter: 'resource.type="gce_instance"' },
      { name: 'old', filter: 'protoPayload.serviceName="k8s.io"', disabled: true },
    ];
    s.exclusions = [{ name: 'quiet', filter: 'severity<WARNING' }];
    h.fake.buckets.get('projects/acme-prod/locations/global/buckets/_Default')!.retention_days = 7;
    await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    const f = await facts();
    expect(f.data_access_logs!.value).toEqual({
      enabled: true,
      logTypes: { ADMIN_READ: true, DATA_READ: true, DATA_WRITE: false },
      services: ['allServices'],
      exemptedMembers: ['user:ci@example.com'],
      enabledBy: ['projects/acme-prod'],
      policiesRead: ['projects/acme-prod'],
    });
    expect(f.reads_logged!.value).toBe(true);
    expect(f.retention_days).toMatchObject({ status: 'known', value: 7 });
    expect(f.reader_permissions!.value).toEqual({ 'logging.logEntries.list': true, 'logging.privateLogEntries.list': false });
    expect(f.reader_permissions!.reason).toContain('roles/logging.privateLogViewer');
    expect(f.log_exclusions!.value.mayDrop).toEqual(['drop-k8s-reads', 'quiet']);
    expect(f.log_exclusions!.value.exclusions.map((e: { name: string; mayDropKubernetesAudit: string }) => [e.name, e.mayDropKubernetesAudit])).toEqual([
      ['drop-k8s-reads', 'likely'],
      ['gce-noise', 'unlikely'],
      ['old', 'likely'],
      ['quiet', 'possible'],
    ]);
  });

  it('turns permission errors into unknown facts that name the missing permission, and still pulls', async () => {
    h.fake.deny('GetIamPolicy');
    h.fake.deny('GetBucket');
    h.fake.deny('ListExclusions');
    const [r] = await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    expect(r!.status).toBe('ok');
    const f = await facts();
    expect(f.data_access_logs!.status).toBe('unknown');
    expect(f.data_access_logs!.reason).toContain('permission resourcemanager.projects.getIamPolicy is missing (grant roles/iam.securityReviewer');
    expect(f.default_bucket!.status).toBe('unknown');
    expect(f.default_bucket!.reason).toContain('permission logging.buckets.get is missing (grant roles/logging.viewer');
    expect(f.retention_days!.status).toBe('unknown');
    expect(f.log_exclusions!.status).toBe('unknown');
    expect(f.log_exclusions!.reason).toContain('logging.exclusions.list');
    expect(f.default_sink!.status).toBe('known');
  });

  it('adds what the folders and organization above the project enable: a project cannot turn it off', async () => {
    h.fake.settings('acme-prod').parent = 'folders/200';
    h.fake.folders.set('folders/200', { parent: 'folders/100', policy: { audit_configs: [{ service: 'container.googleapis.com', audit_log_configs: [{ log_type: 'DATA_WRITE' }] }] } });
    h.fake.folders.set('folders/100', { parent: 'organizations/1', policy: { audit_configs: [] } });
    h.fake.organizations.set('organizations/1', {
      policy: { audit_configs: [{ service: 'allServices', audit_log_configs: [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ', exempted_members: ['serviceAccount:scanner@acme.iam.gserviceaccount.com'] }] }] },
    });
    await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    const f = await facts();
    expect(f.data_access_logs).toMatchObject({ status: 'known' });
    expect(f.data_access_logs!.value).toEqual({
      enabled: true,
      logTypes: { ADMIN_READ: true, DATA_READ: true, DATA_WRITE: true },
      services: ['container.googleapis.com', 'allServices'],
      exemptedMembers: ['serviceAccount:scanner@acme.iam.gserviceaccount.com'],
      enabledBy: ['organizations/1', 'folders/200'],
      policiesRead: ['projects/acme-prod', 'folders/200', 'folders/100', 'organizations/1'],
    });
    expect(f.data_access_enabled!.value).toMatchObject({ ADMIN_READ: true, DATA_READ: true, DATA_WRITE: true });
    expect(f.reads_logged).toMatchObject({ status: 'known', value: true });
    // Data Access entries go to _Default: its retention now bounds the cluster's
    expect(f.retention_days).toMatchObject({ status: 'known', value: 30 });
  });

  it('says reads are unknown, naming the permission, when an organization policy it cannot read might enable them', async () => {
    h.fake.settings('acme-prod').parent = 'folders/200';
    h.fake.folders.set('folders/200', { parent: 'organizations/1', policy: { audit_configs: [{ service: 'allServices', audit_log_configs: [{ log_type: 'DATA_WRITE' }] }] } });
    h.fake.organizations.set('organizations/1', { policy: { audit_configs: [] } });
    h.fake.deny('Organizations.GetIamPolicy');
    const [r] = await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    expect(r!.status).toBe('ok');
    const f = await facts();
    for (const fact of ['data_access_logs', 'data_access_enabled', 'reads_logged']) expect(f[fact]!.status).toBe('unknown');
    expect(f.reads_logged!.reason).toContain('ADMIN_READ, DATA_READ are not enabled in the IAM policies of projects/acme-prod, folders/200');
    expect(f.reads_logged!.reason).toContain(
      'cannot read the IAM policy of organizations/1: permission resourcemanager.organizations.getIamPolicy is missing (grant roles/iam.securityReviewer (Security Reviewer) on organizations/1)',
    );
  });

  it('knows reads are logged when the project enables them, though an organization policy it cannot read may enable more', async () => {
    const s = h.fake.settings('acme-prod');
    s.parent = 'organizations/1';
    s.policy.audit_configs = [{ service: 'container.googleapis.com', audit_log_configs: [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ' }] }];
    h.fake.organizations.set('organizations/1', { policy: { audit_configs: [] } });
    h.fake.deny('Organizations.GetIamPolicy');
    await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    const f = await facts();
    expect(f.reads_logged).toMatchObject({ status: 'known', value: true });
    expect(f.data_access_enabled).toMatchObject({ status: 'known', value: { ADMIN_READ: true, DATA_READ: true, DATA_WRITE: null } });
    expect(f.data_access_logs!.reason).toContain('policies not read may enable more or exempt members: cannot read the IAM policy of organizations/1');
  });

  it('knows reads are logged when the organization enables them, even without the project policy', async () => {
    h.fake.settings('acme-prod').parent = 'organizations/1';
    h.fake.organizations.set('organizations/1', {
      policy: { audit_configs: [{ service: 'allServices', audit_log_configs: ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'].map((log_type) => ({ log_type })) }] },
    });
    h.fake.deny('GetIamPolicy');
    await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    const f = await facts();
    expect(f.reads_logged).toMatchObject({ status: 'known', value: true });
    expect(f.data_access_logs!.value).toMatchObject({ enabledBy: ['organizations/1'], policiesRead: ['organizations/1'] });
  });

  it('says which level could not be named when the project cannot be read', async () => {
    h.fake.deny('GetProject');
    await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' })], { now: NOW });
    const f = await facts();
    expect(f.data_access_enabled!.status).toBe('unknown');
    expect(f.data_access_enabled!.reason).toContain('permission resourcemanager.projects.get is missing (grant roles/browser (Browser))');
  });

  it('reads the project once for two clusters', async () => {
    await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' }), h.cluster({ name: 'batch', cluster: 'batch' })], { now: NOW });
    expect(h.fake.calls.filter((c) => c.method === 'GetIamPolicy').length).toBe(1);
    expect(h.fake.calls.filter((c) => c.method === 'GetBucket').length).toBe(2);
    expect((await facts('batch')).retention_days!.value).toBe(400);
  });
});
