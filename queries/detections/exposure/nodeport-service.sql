/*
id: nodeport-service
title: NodePort service created
severity: medium
mitre: [T1133, T1190]
needs: [request-bodies]
description: >-
  A Service of type NodePort is created, or changed to NodePort: the port opens on every node, outside
  ingress and load-balancer controls, and often outside the firewall rules people think about. The
  platform's identities are left out.
false_positives: >-
  Ingress controllers and some legacy applications use NodePort behind a cloud load balancer. Suppress
  those namespaces.
response:
  - Which service and ports (summary) and who created it.
  - Whether the nodes' security groups or firewall rules expose the port range (30000-32767) to the internet.
tags: [exposure]
references: [Falco Create NodePort Service, Panther Kubernetes.Service.NodePort.Deployed and GCP.K8S.Service.Type.NodePort.Deployed, Elastic]
*/
SELECT cluster, audit_id, event_time,
  kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' NodePort service ' || kt_target(namespace, object_name)
    || coalesce(' (ports ' || nullif(array_to_string(list_transform(kt_json_list(json_extract(request_object, '$.spec.ports')), lambda p:
         coalesce(json_extract_string(p, '$.port'), '?') || coalesce('->' || json_extract_string(p, '$.nodePort'), '')), ', '), '') || ')', '') AS summary
FROM events
WHERE resource = 'services' AND subresource IS NULL AND verb IN ('create', 'update', 'patch') AND succeeded AND NOT is_platform
  AND json_extract_string(request_object, '$.spec.type') = 'NodePort'
