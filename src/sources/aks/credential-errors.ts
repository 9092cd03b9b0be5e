/** Failures to get a token, told apart from the service refusing a request (used by queries and ARM reads). */
const CREDENTIAL_ERRORS = new Set(['AuthenticationError', 'AggregateAuthenticationError', 'CredentialUnavailableError', 'AuthenticationRequiredError']);

/**
 * When getting a token failed (@azure/identity's errors), what to tell the user; undefined for other
 * errors. These are not the service refusing a query: retrying or blaming the query would mislead.
 */
export function credentialProblem(err: unknown): string | undefined {
  const name = (err as { name?: unknown } | null)?.name;
  if (typeof name !== 'string' || !CREDENTIAL_ERRORS.has(name)) return undefined;
  const message = String((err as { message?: unknown }).message ?? name).split('\n')[0]!.slice(0, 500);
  return `could not get an Entra ID token (${name}: ${message}). Set up Workload Identity or a managed identity, or AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET, or sign in with az login; or put a token in KUBETRAIL_AZURE_TOKEN`;
}
