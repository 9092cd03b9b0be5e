/*
id: known-bad-source-ip
title: Request from a listed bad address
severity: high
mitre: [T1090.003, T1078]
needs: [metadata]
description: >-
  A request came from an address in `cidrs`: Tor exit nodes, your threat-intelligence feed, addresses of a
  past incident. Empty by default: fill it from a feed when you generate the job file. Every address of the
  request counts, forwarded-for entries included.
false_positives: >-
  Stale feed entries (shared cloud addresses reassigned). Keep the list fresh.
response:
  - What the address did (`FROM from_address('<ip>')`) and with which identity.
  - Rotate that identity's credentials if any request succeeded.
tags: [initial-access, threat-intel, configuration-required]
parameters:
  cidrs:
    type: strings
    default: []
    description: bad addresses or ranges
references: [Panther Kubernetes.API.IOC.Activity and GCP.K8s.IOC.Activity (Tor), GuardDuty TorIPCaller and MaliciousIPCaller, Defender K8S_TI_Proxy]
*/
WITH hits AS (
  SELECT *, list_filter(coalesce(source_ips, []), lambda ip: len(list_filter($cidrs, lambda c: kt_in_cidr(ip, c))) > 0) AS listed
  FROM events
  WHERE len($cidrs) > 0
)
SELECT cluster, audit_id, event_time,
  listed[1] AS group_key,
  kt_who(user_name) || ' from listed address ' || array_to_string(listed, ', ') || ': ' || coalesce(verb, '?') || ' '
    || coalesce(resource || ' ' || kt_target(namespace, name), split_part(coalesce(request_uri, '?'), '?', 1))
    || CASE WHEN succeeded THEN '' ELSE ' (refused)' END AS summary
FROM hits
WHERE len(listed) > 0
