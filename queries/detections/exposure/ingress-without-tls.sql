/*
id: ingress-without-tls
title: Ingress created without TLS
severity: low
mitre: [T1040, T1557]
needs: [request-bodies]
description: >-
  An Ingress is created or replaced without a `spec.tls` section: its hosts are served over plain HTTP,
  so credentials and session cookies cross the network in clear text. The platform is left out.
false_positives: >-
  Ingresses behind a load balancer or CDN that terminates TLS (annotations say so), and HTTP-only
  redirects. Suppress those namespaces or principals.
response:
  - Which ingress and hosts (summary); add a tls section (cert-manager) or confirm TLS ends upstream.
tags: [exposure, hygiene]
references: [Falco Ingress Object without TLS Certificate Created, Panther Kubernetes.Ingress.NoTLS]
*/
SELECT cluster, audit_id, event_time,
  kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ingress ' || kt_target(namespace, object_name) || ' without TLS'
    || coalesce(' for ' || nullif(array_to_string(list_filter(list_transform(kt_json_list(json_extract(request_object, '$.spec.rules')),
         lambda r: json_extract_string(r, '$.host')), lambda h: h IS NOT NULL), ', '), ''), '') AS summary
FROM events
WHERE resource = 'ingresses' AND subresource IS NULL AND verb IN ('create', 'update') AND succeeded AND NOT is_platform
  AND json_type(request_object) = 'OBJECT'
  AND len(kt_json_list(json_extract(request_object, '$.spec.tls'))) = 0
