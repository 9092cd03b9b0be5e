-- Everything that touched one object, oldest first: `FROM touched('secrets', 'default', 'db-password')`.
-- Lists of the resource in that namespace (or cluster-wide) count: they return the object too.
CREATE OR REPLACE MACRO touched(res, ns, obj_name) AS TABLE
SELECT event_time, cluster, verb, user_name, impersonated_user, source_ips, user_agent, response_code, decision,
       CASE WHEN name IS NULL THEN 'collection' ELSE 'object' END AS via, request_uri, audit_id
FROM requests
WHERE resource = res
  AND (namespace = ns OR namespace IS NULL OR ns IS NULL)
  AND (name = obj_name OR name IS NULL)
ORDER BY event_time;
