-- Redaction before landing: the database must never hold a credential value.
-- Applied to request and response bodies of every envelope, keyed on what the request targets, so that
-- patches (which carry no `kind`) are covered as well as whole objects. Keys are kept (they say what a
-- secret holds); values become a marker that names kubetrail, so an analyst knows it was us.

CREATE OR REPLACE TEMP MACRO kt_marker() AS '[redacted by kubetrail]';

-- {"k": "v", ...} -> {"k": "<marker>", ...}; a non-object value becomes the marker.
CREATE OR REPLACE TEMP MACRO kt_mask_values(mv_m) AS
  CASE
    WHEN mv_m IS NULL THEN NULL
    WHEN json_type(mv_m) = 'OBJECT' THEN CAST(map_from_entries(list_transform(json_keys(mv_m), lambda mv_k: {'k': mv_k, 'v': kt_marker()})) AS JSON)
    ELSE to_json(kt_marker())
  END;

-- Replace one nested string field (parent.child) when mv_it is present.
CREATE OR REPLACE TEMP MACRO kt_mask_field(mf_b, mf_parent, mf_child) AS
  CASE
    WHEN json_extract(mf_b, '$.' || mf_parent || '.' || mf_child) IS NULL THEN mf_b
    ELSE json_merge_patch(mf_b, json_object(mf_parent, json_object(mf_child, kt_marker())))
  END;

-- kubectl keeps the whole applied object (data included) in this annotation, as JSON text.
CREATE OR REPLACE TEMP MACRO kt_last_applied(la_b) AS json_extract_string(la_b, '$.metadata.annotations."kubectl.kubernetes.io/last-applied-configuration"');
CREATE OR REPLACE TEMP MACRO kt_redact_last_applied(rla_b) AS
  CASE
    WHEN kt_last_applied(rla_b) IS NULL THEN rla_b
    ELSE json_merge_patch(rla_b, json_object('metadata', json_object('annotations',
           json_object('kubectl.kubernetes.io/last-applied-configuration', kt_marker()))))
  END;

-- A Secret, or a merge / apply patch of one: data, stringData, and kubectl's copy of the whole object.
CREATE OR REPLACE TEMP MACRO kt_redact_secret_object(rso_b) AS
  CASE
    WHEN json_type(rso_b) <> 'OBJECT' THEN rso_b
    ELSE kt_redact_last_applied(
      json_merge_patch(rso_b, json_object('data', kt_mask_values(json_extract(rso_b, '$.data')), 'stringData', kt_mask_values(json_extract(rso_b, '$.stringData')))))
  END;

-- JSON patch (RFC 6902): every rso_op that carries a value.
CREATE OR REPLACE TEMP MACRO kt_redact_json_patch(rjp_b) AS
  to_json(list_transform(CAST(rjp_b AS JSON[]), lambda rjp_op: CASE WHEN json_type(rjp_op) = 'OBJECT' AND (json_extract(rjp_op, '$.value')) IS NOT NULL
         THEN json_merge_patch(rjp_op, json_object('value', kt_marker())) ELSE rjp_op END));

-- Body of a request on `secrets`: an object, a list of them, or a patch.
CREATE OR REPLACE TEMP MACRO kt_redact_secret_body(rsb_b) AS
  CASE json_type(rsb_b)
    WHEN 'ARRAY' THEN kt_redact_json_patch(rsb_b)
    WHEN 'OBJECT' THEN
      CASE WHEN json_type(json_extract(rsb_b, '$.items')) = 'ARRAY'
           THEN json_merge_patch(kt_redact_secret_object(rsb_b), json_object('items',
                  to_json(list_transform(CAST(json_extract(rsb_b, '$.items') AS JSON[]), lambda rsb_it: kt_redact_secret_object(rsb_it)))))
           ELSE kt_redact_secret_object(rsb_b) END
    ELSE rsb_b
  END;

-- ConfigMaps are not secret, but people put credentials in them. Values under credential-like keys are
-- masked; inside other values only the credential itself (`password=...`, a PEM private key) is.
CREATE OR REPLACE TEMP MACRO kt_credential_key_re() AS
  '(?i)(passw(or)?d|passphrase|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential)';
CREATE OR REPLACE TEMP MACRO kt_mask_credentials_in_text(mcit_v) AS
  regexp_replace(
    regexp_replace(mcit_v,
      '(?i)((aws[_-](s3[_-])?)?(passw(or)?d|passphrase|secret[_-]?(access[_-]?)?key|access[_-]?key[_-]?id|api[_-]?key|token)["'']?\s*[=:]\s*["'']?)[^\s"'',;]+',
      '\1' || kt_marker(), 'g'),
    '-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END ([A-Z ]*)PRIVATE KEY-----',
    '-----BEGIN \1PRIVATE KEY-----' || kt_marker() || '-----END \2PRIVATE KEY-----', 'g');
CREATE OR REPLACE TEMP MACRO kt_mask_configmap_data(mcd_m) AS
  CASE
    WHEN json_type(mcd_m) <> 'OBJECT' THEN mcd_m
    ELSE CAST(map_from_entries(list_transform(json_keys(mcd_m), lambda mcd_k: {'k': mcd_k, 'v':
      CASE WHEN regexp_matches(mcd_k, kt_credential_key_re()) THEN kt_marker()
           ELSE kt_mask_credentials_in_text(json_extract_string(mcd_m, mcd_k)) END})) AS JSON)
  END;
CREATE OR REPLACE TEMP MACRO kt_redact_configmap_data(rcd_b) AS
  CASE
    WHEN json_type(rcd_b) <> 'OBJECT' OR (json_extract(rcd_b, '$.data')) IS NULL THEN rcd_b
    ELSE json_merge_patch(rcd_b, json_object('data', kt_mask_configmap_data(json_extract(rcd_b, '$.data'))))
  END;
-- kubectl's copy of the applied ConfigMap is JSON text in an annotation: redacted the same way (or
-- replaced by the marker when it is not JSON).
CREATE OR REPLACE TEMP MACRO kt_redact_configmap_object(rco_b) AS
  CASE
    WHEN json_type(rco_b) <> 'OBJECT' THEN rco_b
    WHEN kt_last_applied(rco_b) IS NULL THEN kt_redact_configmap_data(rco_b)
    ELSE json_merge_patch(kt_redact_configmap_data(rco_b), json_object('metadata', json_object('annotations', json_object(
      'kubectl.kubernetes.io/last-applied-configuration',
      coalesce(CAST(kt_redact_configmap_data(try(json(kt_last_applied(rco_b)))) AS VARCHAR), kt_marker())))))
  END;

-- Workloads: an environment variable with a credential-like name keeps its name, not its value
-- ({"name": "DB_PASSWORD", "value": "..."} in any container of a pod or pod template, also inside
-- kubectl's last-applied copy, where the same text appears with escaped quotes).
CREATE OR REPLACE TEMP MACRO kt_redact_env(re_b) AS
  CASE
    WHEN re_b IS NULL OR NOT contains(CAST(re_b AS VARCHAR), 'env') THEN re_b
    ELSE CAST(regexp_replace(regexp_replace(CAST(re_b AS VARCHAR),
      '("name"\s*:\s*"[^"]*' || kt_credential_key_re() || '[^"]*"\s*,\s*"value"\s*:\s*)"(?:[^"\\]|\\.)*"',
      '\1"' || kt_marker() || '"', 'g'),
      '(\\"name\\"\s*:\s*\\"(?:[^"\\]|\\[^"])*' || kt_credential_key_re() || '(?:[^"\\]|\\[^"])*\\"\s*,\s*\\"value\\"\s*:\s*)\\"(?:[^"\\]|\\[^"])*\\"',
      '\1\\"' || kt_marker() || '\\"', 'g') AS JSON)
  END;
CREATE OR REPLACE TEMP MACRO kt_redact_configmap_body(rcb_b) AS
  CASE json_type(rcb_b)
    WHEN 'ARRAY' THEN to_json(list_transform(CAST(rcb_b AS JSON[]), lambda rcb_op: CASE WHEN json_type(json_extract(rcb_op, '$.value')) = 'VARCHAR'
           THEN json_merge_patch(rcb_op, json_object('value', kt_mask_credentials_in_text(json_extract_string(rcb_op, '$.value'))))
           WHEN json_type(json_extract(rcb_op, '$.value')) = 'OBJECT'
           THEN json_merge_patch(rcb_op, json_object('value', kt_mask_configmap_data(json_extract(rcb_op, '$.value'))))
           ELSE rcb_op END))
    WHEN 'OBJECT' THEN
      CASE WHEN json_type(json_extract(rcb_b, '$.items')) = 'ARRAY'
           THEN json_merge_patch(rcb_b, json_object('items',
                  to_json(list_transform(CAST(json_extract(rcb_b, '$.items') AS JSON[]), lambda rcb_it: kt_redact_configmap_object(rcb_it)))))
           ELSE kt_redact_configmap_object(rcb_b) END
    ELSE rcb_b
  END;

-- Dispatch on what the request targets. Only these resources carry credential values in their bodies.
CREATE OR REPLACE TEMP MACRO kt_redact_body(rb_resource, rb_subresource, rb_b) AS
  CASE
    WHEN rb_b IS NULL THEN NULL
    WHEN rb_resource = 'secrets' THEN kt_redact_secret_body(rb_b)
    WHEN rb_resource = 'serviceaccounts' AND rb_subresource = 'token' THEN kt_mask_field(rb_b, 'status', 'token')
    WHEN rb_resource = 'tokenreviews' THEN kt_mask_field(rb_b, 'spec', 'token')
    WHEN rb_resource = 'configmaps' THEN kt_redact_configmap_body(rb_b)
    ELSE rb_b
  END;

-- Text of a record we could not parse: keep keys, drop string values when it may hold credentials.
CREATE OR REPLACE TEMP MACRO kt_safe_raw(sr_t) AS
  CASE
    WHEN sr_t IS NULL THEN NULL
    WHEN regexp_matches(sr_t, '(?i)secret|token|passw|private.?key|credential|access.?key')
      THEN left(regexp_replace(sr_t, '("(?:[^"\\]|\\.)*"\s*:\s*)"(?:[^"\\]|\\.)*"?', '\1"…"', 'g'), 65536)
    ELSE left(sr_t, 65536)
  END;
