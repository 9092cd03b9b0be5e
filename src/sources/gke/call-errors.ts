/** What a failed Google call means for the person running kubetrail, and whether a rerun may help. */
import { CredentialsError } from './clients.js';
import { GRPC, RetriesExhausted, grpcCode, grpcCodeName, grpcDetails } from './call-with-retry.js';

export interface Explained {
  message: string;
  retryable: boolean;
}

const ADC_HELP =
  'kubetrail uses Application Default Credentials: Workload Identity on GKE, a key file named by GOOGLE_APPLICATION_CREDENTIALS, or `gcloud auth application-default login`';

export function explainLoggingError(err: unknown, project: string, requestsPerMinute: number): Explained {
  if (err instanceof CredentialsError) return { message: err.message, retryable: false };
  if (err instanceof RetriesExhausted) {
    if (err.code === GRPC.RESOURCE_EXHAUSTED)
      return {
        message: `Cloud Logging refused entries.list for project ${project} as over quota (RESOURCE_EXHAUSTED) on all ${err.attempts} attempts. The quota (60 requests per minute per project) is shared with every other reader of this project's logs; kubetrail used ${requestsPerMinute}/min. Lower requestsPerMinute in the job file or pull less often; the next run resumes where this one stopped.`,
        retryable: true,
      };
    return {
      message: `Cloud Logging did not answer entries.list for project ${project} (${grpcCodeName(err.code)} on all ${err.attempts} attempts: ${grpcDetails(err.cause)}). Check the network path to the endpoint; the next run resumes where this one stopped.`,
      retryable: true,
    };
  }
  const code = grpcCode(err);
  const details = grpcDetails(err);
  switch (code) {
    case GRPC.PERMISSION_DENIED:
      return {
        message: `permission denied reading the audit logs of project ${project} (${details}). Grant the identity kubetrail runs as roles/logging.viewer (Logs Viewer) and, for the Data Access entries (Kubernetes reads), roles/logging.privateLogViewer (Private Logs Viewer).`,
        retryable: false,
      };
    case GRPC.UNAUTHENTICATED:
      return { message: `not authenticated to Google Cloud (${details}). ${ADC_HELP}.`, retryable: false };
    case GRPC.INVALID_ARGUMENT:
      return { message: `Cloud Logging rejected the entries.list query for project ${project}: ${details}`, retryable: false };
    case GRPC.NOT_FOUND:
      return { message: `project ${project} was not found, or the Cloud Logging API is not enabled in it (${details}). Check \`project\` in the job file.`, retryable: false };
    case undefined:
      if (/default credentials|could not load the default|unable to detect a project id/i.test(details))
        return { message: `no Google credentials found (${details}). ${ADC_HELP}.`, retryable: false };
      return { message: `Cloud Logging call failed: ${details}`, retryable: false };
    default:
      return { message: `Cloud Logging answered ${grpcCodeName(code)} for project ${project}: ${details}`, retryable: false };
  }
}
