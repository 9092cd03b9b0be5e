/*
id: node-proxy-access
title: Kubelet API reached through the API server's node proxy
severity: high
mitre: [T1611, T1609]
needs: [metadata]
partly_needs: {read-verbs: "requests through nodes/proxy with GET are reads"}
description: >-
  A request to `nodes/<node>/proxy/...` reaches the kubelet's own API with the API server's credentials:
  `/exec`, `/run`, `/attach`, `/portForward` run commands in any pod of the node without a pods/exec
  permission and without the usual exec audit event; `/pods`, `/runningpods`, `/containerLogs`,
  `/configz`, `/debug` list and read node internals. Metrics paths (`/metrics`, `/stats`) are left out.
  When the path is not logged (GKE rebuilds the URI from its resource name and keeps nothing after
  /proxy) the request is reported, since it cannot be told apart.
false_positives: >-
  Monitoring that scrapes kubelet metrics through the API server proxy (metrics paths are excluded; on
  GKE they cannot be); the dashboard's node views. Suppress the monitoring service account.
response:
  - Who called which kubelet endpoint on which node (summary).
  - For /exec or /run, the command is in the path or query of request_uri; treat the target pods as compromised.
  - Remove nodes/proxy from roles that do not need it (role-grants-nodes-proxy finds them).
tags: [execution, privilege-escalation, lateral-movement]
references: [Elastic Kubernetes kubelet API access via node proxy (GKE, AKS)]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || coalesce(name, '?') AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' kubelet endpoint ' || coalesce(nullif(regexp_extract(request_uri, '/proxy(/[^?]*)?', 1), ''), '(path not logged)')
    || ' on node ' || coalesce(name, '?') AS summary
FROM events
WHERE resource = 'nodes' AND subresource = 'proxy' AND succeeded
  AND NOT regexp_matches(coalesce(request_uri, ''), '/proxy/(metrics|stats|healthz)(/|\?|$)')
