/*
id: suspicious-image
title: Known miner or attack-tool image or pod name
severity: high
mitre: [T1496, T1610]
needs: [request-bodies]
description: >-
  A pod or workload template runs an image, or is named, like a cryptocurrency miner (xmrig, kinsing,
  ...), a Kubernetes attack tool (kube-hunter, peirates, kubesploit, ...) or a tunnelling tool (ngrok,
  chisel, ...), per `pattern`. Names are attacker-chosen, so this catches the careless, not the careful.
  The object name is read from the request (metadata.name or generateName) when bodies are logged.
false_positives: >-
  Red-team and penetration-testing exercises; security teams running kube-hunter on purpose. Suppress
  their principals or namespaces for the exercise, with an expiry.
response:
  - Which image or name matched (summary), who deployed it and from where.
  - Node and network activity of the pods (runtime sensors, egress logs); miners show as CPU saturation.
  - Delete the workload, revoke the credentials used, and look for the way in (exec, a compromised CI token).
tags: [workload, impact, execution]
parameters:
  pattern:
    type: string
    default: "(?i)(xmrig|xmr-stak|minerd|cpuminer|cgminer|bfgminer|ethminer|nbminer|t-rex|lolminer|phoenixminer|nanominer|teamredminer|kinsing|kdevtmpfsi|coinhive|c3pool|nicehash|kube-hunter|kubehunter|peirates|kubesploit|kdigger|botb|deepce|amicontained|metasploit|kalilinux|parrotsec|sliver|cobaltstrike|mimikatz|ngrok|chisel)"
    description: regular expression (RE2) matched against image names and the pod or workload name
references: [Defender K8S_MaliciousContainerImage, Google SCC attack-tool pod naming]
*/
WITH hits AS (
  SELECT *, list_filter(list_concat(images, [object_name]), lambda s: regexp_matches(s, $pattern)) AS flagged
  FROM workload_writes
  WHERE resource IN ('pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers') AND verb IN ('create', 'update', 'patch')
    AND pod_spec IS NOT NULL AND succeeded
)
SELECT cluster, audit_id, event_time,
  kt_target(namespace, coalesce(owner_workload, object_name)) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || resource || ' ' || kt_target(namespace, object_name)
    || ' matching known miners or attack tools: ' || array_to_string(list_distinct(flagged), ', ') AS summary
FROM hits
WHERE len(flagged) > 0
