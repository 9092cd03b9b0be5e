/**
 * The Google clients a GKE source uses, all over gRPC: Cloud Logging (entries, buckets, sinks,
 * exclusions) and Resource Manager (the IAM policies of the project, its folders and organization). With `insecure: true` they talk
 * plaintext to `endpoint` and never look for credentials (no ADC, no metadata server); otherwise they
 * use Application Default Credentials (Workload Identity, GOOGLE_APPLICATION_CREDENTIALS, gcloud).
 */
import * as grpc from '@grpc/grpc-js';
import { v2 } from '@google-cloud/logging-api';
import { FoldersClient, OrganizationsClient, ProjectsClient } from '@google-cloud/resource-manager';

export interface EndpointConfig {
  endpoint?: string;
  resourceManagerEndpoint?: string;
  insecure: boolean;
}

export interface GoogleClients {
  logging: InstanceType<typeof v2.LoggingServiceV2Client>;
  config: InstanceType<typeof v2.ConfigServiceV2Client>;
  projects: ProjectsClient;
  folders: FoldersClient;
  organizations: OrganizationsClient;
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

/**
 * The clients, with credentials checked first: gax builds its stubs lazily and a credentials failure
 * there surfaces as unhandled rejections (one per RPC method) that end the process, so with ADC we ask
 * each client's auth for its credentials before any call and report a missing one as a plain error.
 */
export async function createClients(c: EndpointConfig): Promise<GoogleClients> {
  const logging = new v2.LoggingServiceV2Client(options(c.endpoint, c.insecure));
  const config = new v2.ConfigServiceV2Client(options(c.endpoint, c.insecure));
  const rm = c.resourceManagerEndpoint ?? (c.insecure ? c.endpoint : undefined);
  const projects = new ProjectsClient(options(rm, c.insecure));
  const folders = new FoldersClient(options(rm, c.insecure));
  const organizations = new OrganizationsClient(options(rm, c.insecure));
  const clients: GoogleClients = {
    logging,
    config,
    projects,
    folders,
    organizations,
    async close() {
      await Promise.allSettled([logging.close(), config.close(), projects.close(), folders.close(), organizations.close()]);
    },
  };
  if (!c.insecure) {
    try {
      await Promise.all([logging, config, projects, folders, organizations].map((client) => client.auth.getClient()));
    } catch (err) {
      await clients.close();
      throw new CredentialsError(
        `no usable Google credentials (${err instanceof Error ? err.message : String(err)}). kubetrail uses Application Default Credentials: Workload Identity on GKE, a key file named by GOOGLE_APPLICATION_CREDENTIALS, or \`gcloud auth application-default login\``,
        { cause: err },
      );
    }
  }
  return clients;
}

export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}
