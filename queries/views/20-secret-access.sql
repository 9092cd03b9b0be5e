-- Every request on Secrets, with who, from where and the outcome. `name` is NULL for lists;
-- namespace NULL for a cluster-wide list (/api/v1/secrets).
CREATE OR REPLACE VIEW secret_access AS
SELECT cluster, provider, event_time, audit_id, verb, namespace, name, user_name, user_groups, impersonated_user,
       source_ips, user_agent, response_code, decision, authz_reason, request_uri
FROM requests
WHERE resource = 'secrets';
