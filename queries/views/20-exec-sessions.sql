-- Interactive access to pods: exec, attach and port-forward, with the command decoded from the request URI.
-- Matches both SPDY (verb create) and WebSocket (verb get) clients. GKE keeps no query string, so
-- `command` is NULL there; the commands typed inside a session are never in any audit log.
CREATE OR REPLACE VIEW exec_sessions AS
SELECT
  cluster, provider, event_time, audit_id, user_name, impersonated_user, source_ips, user_agent,
  namespace, name AS pod, subresource, verb, response_code, decision,
  regexp_extract(request_uri, '[?&]container=([^&]*)', 1) AS container,
  array_to_string(list_transform(regexp_extract_all(request_uri, '[?&]command=([^&]*)', 1), lambda c: url_decode(replace(c, '+', ' '))), ' ') AS command,
  request_uri
FROM requests
WHERE resource = 'pods' AND subresource IN ('exec', 'attach', 'portforward');
