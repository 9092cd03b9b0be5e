/*
id: sensitive-service-exposed
title: Sensitive application exposed through a LoadBalancer or NodePort
severity: high
mitre: [T1133, T1190]
needs: [request-bodies]
description: >-
  A LoadBalancer or NodePort Service is created or changed for something that must not face the network:
  a port in `ports` (databases, Redis, Elasticsearch, etcd, kubelet, Docker, Jupyter, ...) or a name or
  selector matching `names` (Kubernetes dashboard, Kubeflow, Argo, Jupyter, ...). A LoadBalancer whose
  loadBalancerSourceRanges are all private is left out.
false_positives: >-
  Services deliberately exposed on an internal load balancer (annotated internal) without source ranges.
  Add loadBalancerSourceRanges, or suppress the namespace.
response:
  - Which service, type, ports and selector (summary), who created it.
  - Whether it is reachable from the internet (the load balancer's scheme and firewall); restrict or delete it.
  - Review access logs of the application behind it since the service was created.
tags: [exposure, initial-access]
parameters:
  ports:
    type: strings
    default: ["2375", "2376", "2379", "2380", "3306", "5432", "5984", "6379", "8888", "9042", "9200", "9300", "10250", "10255", "11211", "27017", "8080", "8443", "9090", "2746"]
    description: service or target ports that count as sensitive
  names:
    type: string
    default: "(?i)(kubernetes-dashboard|dashboard|kubeflow|istio-ingressgateway-admin|argo(cd)?-server|jupyter|redis|postgres|mysql|mongo|elasticsearch|kibana|etcd|grafana|prometheus|alertmanager|rabbitmq)"
    description: regular expression (RE2) for service names and selector values that count as sensitive
references: [GuardDuty Policy:Kubernetes/ExposedDashboard and KubeflowDashboardExposed, Defender K8S_ExposedDashboard, K8S_ExposedKubeflow, K8S_ExposedRedis, K8S_ExposedPostgres]
*/
WITH svc AS (
  SELECT *, json_extract_string(request_object, '$.spec.type') AS svc_type,
    list_distinct(list_concat(
      list_transform(kt_json_list(json_extract(request_object, '$.spec.ports')), lambda p: json_extract_string(p, '$.port')),
      list_transform(kt_json_list(json_extract(request_object, '$.spec.ports')), lambda p: json_extract_string(p, '$.targetPort')))) AS svc_ports,
    list_concat([object_name], CASE WHEN json_type(json_extract(request_object, '$.spec.selector')) = 'OBJECT'
      THEN list_transform(json_keys(json_extract(request_object, '$.spec.selector')), lambda k: json_extract_string(json_extract(request_object, '$.spec.selector'), '$."' || k || '"'))
      ELSE [] END) AS svc_names,
    kt_json_strings(json_extract(request_object, '$.spec.loadBalancerSourceRanges')) AS ranges
  FROM events
  WHERE resource = 'services' AND subresource IS NULL AND verb IN ('create', 'update', 'patch') AND succeeded AND NOT is_platform
),
flagged AS (
  SELECT *, list_filter(svc_ports, lambda p: list_contains($ports, p)) AS bad_ports,
    list_filter(svc_names, lambda n: n IS NOT NULL AND regexp_matches(n, $names)) AS bad_names
  FROM svc
  WHERE svc_type IN ('LoadBalancer', 'NodePort')
    AND NOT (svc_type = 'LoadBalancer' AND len(ranges) > 0 AND len(list_filter(ranges, lambda r: NOT kt_is_private_ip(split_part(r, '/', 1)))) = 0)
)
SELECT cluster, audit_id, event_time,
  kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' exposed ' || kt_target(namespace, object_name) || ' as ' || svc_type
    || CASE WHEN len(bad_ports) > 0 THEN ' on sensitive port(s) ' || array_to_string(bad_ports, ', ') ELSE '' END
    || CASE WHEN len(bad_names) > 0 THEN ' (' || array_to_string(list_distinct(bad_names), ', ') || ')' ELSE '' END AS summary
FROM flagged
WHERE len(bad_ports) > 0 OR len(bad_names) > 0
