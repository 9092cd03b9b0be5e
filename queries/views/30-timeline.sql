-- Everything one principal did, oldest first: `FROM timeline('system:serviceaccount:ns:sa')`.
-- Matches the user name, the impersonated user and, for EKS, the IAM ARN behind a mapped user.
CREATE OR REPLACE MACRO timeline(principal, since := TIMESTAMPTZ '1970-01-01 00:00:00+00', until := TIMESTAMPTZ '9999-12-31 00:00:00+00') AS TABLE
SELECT event_time, cluster, verb, coalesce(namespace || '/', '') || coalesce(resource, '') || coalesce('/' || subresource, '') || coalesce(' ' || name, '') AS target,
       response_code, decision, source_ips, user_agent, request_uri, audit_id
FROM requests
WHERE (user_name = principal OR impersonated_user = principal
       OR json_extract_string(user_extra, '$.arn[0]') = principal OR json_extract_string(user_extra, '$.canonicalArn[0]') = principal)
  AND event_time BETWEEN since AND until
ORDER BY event_time;
