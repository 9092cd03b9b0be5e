import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadDetections } from './library.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/detections', import.meta.url));

describe('loadDetections (stand-in)', () => {
  it('reads ids from paths and metadata from headers', () => {
    const d = loadDetections(FIXTURES);
    expect(d.map((x) => x.id)).toEqual([
      'credentials/secret-list-contents',
      'credentials/secret-read-by-unusual-client',
      'credentials/token-request',
      'workloads/exec-into-pod',
      'workloads/privileged-pod',
    ]);
    const token = d.find((x) => x.id === 'credentials/token-request')!;
    expect(token).toMatchObject({ severity: 'medium', mitre: ['T1528'], needs: ['metadata'], blindOn: { gke: 'GKE does not log TokenRequest (serviceaccounts/token create).' } });
    expect(d.find((x) => x.id === 'credentials/secret-list-contents')!.needs).toEqual(['read-verbs', 'response-bodies']);
  });

  it('is empty when there is no library', () => {
    expect(loadDetections('/nonexistent/detections')).toEqual([]);
  });
});
