import { expect, it } from 'vitest';
import { exclusionVerdict } from './exclusion-scope.js';

it('judges whether an exclusion filter may drop Kubernetes audit entries', () => {
  expect(exclusionVerdict('protoPayload.serviceName="k8s.io"', 'prod')).toBe('likely');
  expect(exclusionVerdict('LOG_ID("cloudaudit.googleapis.com/data_access")', 'prod')).toBe('likely');
  expect(exclusionVerdict('resource.labels.cluster_name="prod"', 'prod')).toBe('likely');
  expect(exclusionVerdict('', 'prod')).toBe('likely');
  expect(exclusionVerdict('resource.type="gce_instance"', 'prod')).toBe('unlikely');
  expect(exclusionVerdict('LOG_ID("stdout")', 'prod')).toBe('unlikely');
  expect(exclusionVerdict('severity<WARNING', 'prod')).toBe('possible');
  expect(exclusionVerdict('NOT resource.type="gce_instance"', 'prod')).toBe('possible');
  expect(exclusionVerdict('resource.type="gce_instance" OR severity=DEBUG', 'prod')).toBe('possible');
  expect(exclusionVerdict('resource.labels.cluster_name="production"', 'prod')).toBe('possible');
});
