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
    type: cidrs
    default: []
    description: bad addresses or ranges
references: [Panther Kubernetes.API.IOC.Activity and GCP.K8s.IOC.Activity (Tor), GuardDuty TorIPCaller and MaliciousIPCaller, Defender K8S_TI_Proxy]
*/
WITH addresses AS (
  SELECT *, unnest(source_ips) AS ip
  FROM events
  WHERE len($cidrs) > 0 AND len(source_ips) > 0
),
-- the address's bits once per address, not once per listed range
bits AS (
  SELECT *, kt_ip_bits(ip) AS ip_bits FROM addresses
),
listed AS (
  SELECT * FROM bits WHERE kt_ip_in(ip_bits, $cidrs)
)
SELECT cluster, audit_id, event_time,
  ip AS group_key,
  kt_who(user_name) || ' from listed address ' || ip || ': ' || coalesce(verb, '?') || ' '
    || coalesce(resource || ' ' || kt_target(namespace, name), split_part(coalesce(request_uri, '?'), '?', 1))
    || CASE WHEN succeeded THEN '' ELSE ' (refused)' END AS summary
FROM listed
