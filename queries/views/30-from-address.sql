-- Everything that came from one source IP, oldest first: `FROM from_address('203.0.113.7')`.
CREATE OR REPLACE MACRO from_address(ip) AS TABLE
SELECT event_time, cluster, user_name, verb, resource, subresource, namespace, name, response_code, decision, user_agent, audit_id
FROM requests
WHERE list_contains(source_ips, ip)
ORDER BY event_time;
