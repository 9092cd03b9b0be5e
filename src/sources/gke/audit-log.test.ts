import { expect, it } from 'vitest';
import { encodeAuditLog } from '../../../test/fakes/audit-log-wire.js';
import { decodeAuditLog } from './audit-log.js';

// The double's encoder is written separately from our .proto: agreeing on every field checks the numbers.
it('decodes an AuditLog to the proto3 JSON gcloud prints', () => {
  const json = {
    serviceName: 'k8s.io',
    methodName: 'io.k8s.core.v1.pods.list',
    resourceName: 'core/v1/namespaces/a/pods',
    numResponseItems: '42',
    status: { code: 7, message: 'forbidden' },
    authenticationInfo: { principalEmail: 'system:serviceaccount:a:b', principalSubject: 'serviceAccount:x' },
    authorizationInfo: [
      { resource: 'core/v1/namespaces/a/pods', permission: 'io.k8s.core.v1.pods.list', granted: true, permissionType: 'ADMIN_READ' },
      { resource: 'core/v1/namespaces/a/pods', permission: 'io.k8s.core.v1.pods.watch' },
    ],
    requestMetadata: { callerIp: '2001:db8::1', callerSuppliedUserAgent: 'kubectl/v1.30', callerNetwork: '//compute.googleapis.com/projects/p/global/networks/n' },
    request: { '@type': 'k8s.io/Patch', n: 1.5, zero: 0, off: false, none: null, list: [1, 'two', [true], { x: {} }], empty: {} },
    response: { kind: 'Status', code: 403 },
    metadata: { k: 'v' },
    resourceLocation: { currentLocations: ['europe-west1'] },
  };
  expect(decodeAuditLog(encodeAuditLog(json))).toEqual(json);
});

it('leaves out proto3 defaults and refuses bytes that are not a message', () => {
  expect(decodeAuditLog(encodeAuditLog({ serviceName: 'k8s.io', status: {} }))).toEqual({ serviceName: 'k8s.io', status: {} });
  expect(() => decodeAuditLog(Uint8Array.from([0x0a, 0xff, 0xff, 0xff]))).toThrow();
});
