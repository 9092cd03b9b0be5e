/** Reading AWS SDK errors into what a person needs to do about them. */

const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnauthorizedException']);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'ExpiredToken',
  'CredentialsProviderError',
]);

const nameOf = (err: unknown): string => (err && typeof err === 'object' ? String((err as Error).name) : '');

export const isAccessDenied = (err: unknown): boolean => DENIED.has(nameOf(err));
export const isNotFound = (err: unknown): boolean => nameOf(err) === 'ResourceNotFoundException';
export const isBadCredentials = (err: unknown): boolean => BAD_CREDENTIALS.has(nameOf(err));

/** "grant <action> on <resource> to <principal>" with the service's own words after it. */
export function deniedMessage(action: string, resource: string, principal: string | undefined, err: unknown): string {
  const who = principal ? ` to ${principal}` : '';
  return `${action} was denied: grant ${action} on ${resource}${who} (jobs/k8s/eks-iam-policy.json lists what kubetrail needs; AWS said: ${messageOf(err)})`;
}

export function credentialsMessage(err: unknown): string {
  if (nameOf(err) === 'CredentialsProviderError') {
    return `no AWS credentials found (${messageOf(err)}): set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a \`profile\`, IRSA or EKS Pod Identity, or run with an instance role`;
  }
  return `the AWS credentials were not accepted (${nameOf(err)}: ${messageOf(err)}): check the environment, profile, IRSA or Pod Identity setup, or roleArn`;
}

export function messageOf(err: unknown): string {
  const m = err && typeof err === 'object' ? (err as Error).message : String(err);
  return (m || nameOf(err) || 'unknown error').split('\n')[0]!.slice(0, 500);
}
