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
    expect(f.data_access_logs!.value).toEqual({ enabled: false, logTypes: { ADMIN_READ: false, DATA_READ: false, DATA_WRITE: false }, services: [], exemptedMembers: [], scope: 'project' });
    expect(f.data_access_logs!.reason).toContain('organization or folder policy may still enable it');
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
      scope: 'project',
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

  it('reads the project once for two clusters', async () => {
    await h.pull([h.cluster({ name: 'prod-gke', cluster: 'prod' }), h.cluster({ name: 'batch', cluster: 'batch' })], { now: NOW });
    expect(h.fake.calls.filter((c) => c.method === 'GetIamPolicy').length).toBe(1);
    expect(h.fake.calls.filter((c) => c.method === 'GetBucket').length).toBe(2);
    expect((await facts('batch')).retention_days!.value).toBe(400);
  });
});
