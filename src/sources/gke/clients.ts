/**
 * The Google clients a GKE source uses, all over gRPC: Cloud Logging (entries, buckets, sinks,
 * exclusions) and Resource Manager (the project's IAM policy). With `insecure: true` they talk
 * plaintext to `endpoint` and never look for credentials (no ADC, no metadata server); otherwise they
 * use Application Default Credentials (Workload Identity, GOOGLE_APPLICATION_CREDENTIALS, gcloud).
 */
import * as grpc from '@grpc/grpc-js';
import { v2 } from '@google-cloud/logging-api';
import { ProjectsClient } from '@google-cloud/resource-manager';

export interface EndpointConfig {
  endpoint?: string;
  resourceManagerEndpoint?: string;
  insecure: boolean;
}

export interface GoogleClients {
  logging: InstanceType<typeof v2.LoggingServiceV2Client>;
  config: InstanceType<typeof v2.ConfigServiceV2Client>;
  projects: ProjectsClient;
  close(): Promise<void>;
}

type ClientOptions = {
  apiEndpoint?: string;
  port?: number;
  sslCreds?: grpc.ChannelCredentials;
  universeDomain?: string;
};

function options(hostPort: string | undefined, insecure: boolean): ClientOptions {
  if (!hostPort) return {};
  const i = hostPort.lastIndexOf(':');
  const o: ClientOptions = { apiEndpoint: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) };
  if (insecure) {
    // sslCreds replaces the credentials gax would otherwise build from ADC, and a fixed universe
    // domain stops google-auth-library from asking the metadata server for one.
    o.sslCreds = grpc.credentials.createInsecure();
    o.universeDomain = 'googleapis.com';
  }
  return o;
}

export function createClients(c: EndpointConfig): GoogleClients {
  const logging = new v2.LoggingServiceV2Client(options(c.endpoint, c.insecure));
  const config = new v2.ConfigServiceV2Client(options(c.endpoint, c.insecure));
  const rm = c.resourceManagerEndpoint ?? (c.insecure ? c.endpoint : undefined);
  const projects = new ProjectsClient(options(rm, c.insecure));
  return {
    logging,
    config,
    projects,
    async close() {
      await Promise.allSettled([logging.close(), config.close(), projects.close()]);
    },
  };
}
