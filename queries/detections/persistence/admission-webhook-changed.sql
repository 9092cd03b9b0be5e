/*
id: admission-webhook-changed
title: Admission webhook or policy created, changed or deleted
severity: medium
mitre: [T1546, T1562.001]
needs: [metadata]
description: >-
  A mutating or validating webhook configuration, or a validating admission policy or its binding, is
  created, updated, patched or deleted by someone other than the platform. A mutating webhook sees (and can
  rewrite) every object it subscribes to, secrets included: a way to inject containers into every new pod
  or to leak data. Deleting a validating webhook or policy switches off guardrails.
false_positives: >-
  Installing or upgrading policy engines and operators; certificate injectors (cert-manager's cainjector)
  patching caBundle regularly. Suppress those service accounts.
response:
  - Which configuration and where it sends requests (summary; clientConfig url or service in request_object).
  - Whether the service or URL is yours; delete the configuration if not and review objects created since.
tags: [persistence, defense-evasion, credential-access]
references: [Sigma Kubernetes Admission Controller Modification, Panther Kubernetes.AdmissionController.Created, Elastic, Defender K8S_AdmissionController]
*/
SELECT cluster, audit_id, event_time,
  resource || ' ' || coalesce(object_name, '?') AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || resource || ' ' || coalesce(object_name, '(all)')
    || coalesce(' (calls ' || nullif(array_to_string(list_distinct(list_transform(kt_json_list(json_extract(request_object, '$.webhooks')), lambda h:
         coalesce(json_extract_string(h, '$.clientConfig.url'),
                  json_extract_string(h, '$.clientConfig.service.namespace') || '/' || json_extract_string(h, '$.clientConfig.service.name')))), ', '), '') || ')', '') AS summary
FROM events
WHERE resource IN ('mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'validatingadmissionpolicies',
                   'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings')
  AND verb IN ('create', 'update', 'patch', 'delete', 'deletecollection') AND subresource IS NULL AND succeeded AND NOT is_platform
