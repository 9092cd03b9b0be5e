-- Macros every detection (and the engine) may use. Created as TEMP macros on the detect connection.

-- Principals the platform itself uses: control-plane components, nodes, kube-system controllers and each
-- cloud's managed identities. Detections about "someone did X" leave these out where the platform does X
-- all day (creating pods in kube-system, reconciling bootstrap roles, rotating webhooks). This says who; the
-- scope's is_platform adds where (src/detect/scope.ts): the cluster's own identities only from inside.
--   generic: system:* that is not a service account, anonymous, or the system:admin certificate people use
--   EKS:     eks:* (eks:addon-manager, eks:node-manager, eks:certificate-controller, ...)
--   GKE:     gke-* and system:gke-*, the GKE service agent (service-N@container-engine-robot...) and other
--            Google-managed service agents (service-N@gcp-sa-*.iam.gserviceaccount.com)
--   AKS:     aksService (AKS's own operations), masterclient (AKS addon manager; also the local admin
--            credential: detections about privilege grants do not exclude it), azure-*
CREATE OR REPLACE TEMP MACRO kt_is_platform(p_u) AS coalesce(
  (starts_with(p_u, 'system:') AND NOT starts_with(p_u, 'system:serviceaccount:')
     AND p_u NOT IN ('system:anonymous', 'system:unauthenticated', 'system:admin'))
  OR starts_with(p_u, 'system:serviceaccount:kube-system:')
  OR starts_with(p_u, 'eks:')
  OR starts_with(p_u, 'gke-')
  OR p_u LIKE '%container-engine-robot%.iam.gserviceaccount.com'
  OR p_u LIKE 'service-%@gcp-sa-%.iam.gserviceaccount.com'
  OR p_u IN ('aksService', 'masterclient')
  OR starts_with(p_u, 'azure-'), false);

-- Identities the cluster itself issues to what runs inside it: service accounts, nodes and the control-plane
-- components (system:kube-controller-manager, system:kube-scheduler, ...). They live in the cluster's networks,
-- so a request of theirs from an internet address is a token or a certificate that left the cluster. The
-- cloud's managed identities (eks:*, gke-*, Google service agents, aksService, masterclient, azure-*) are not
-- among them: the provider's control plane reaches the API server from the provider's own public ranges.
CREATE OR REPLACE TEMP MACRO kt_is_cluster_identity(p_u) AS coalesce(
  starts_with(p_u, 'system:') AND p_u NOT IN ('system:anonymous', 'system:unauthenticated', 'system:admin'), false);

-- Namespaces the platform runs its own workloads in (Calico's are installed by AKS network policy).
CREATE OR REPLACE TEMP MACRO kt_is_system_namespace(p_ns) AS coalesce(
  p_ns IN ('kube-system', 'kube-public', 'kube-node-lease', 'gke-system', 'gke-gmp-system', 'gke-managed-system',
           'calico-system', 'tigera-operator')
  OR starts_with(p_ns, 'gke-managed-'), false);

-- Addresses that are not on the internet: RFC 1918, loopback, link-local, CGNAT (100.64/10), IPv6
-- loopback, ULA (fc00::/7), link-local (fe80::/10), and IPv4-mapped forms of those.
CREATE OR REPLACE TEMP MACRO kt_is_private_ip(p_ip) AS coalesce(regexp_full_match(lower(p_ip),
  '(::ffff:)?(10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|127\.\d+\.\d+\.\d+|169\.254\.\d+\.\d+|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.\d+\.\d+)'
  || '|::1?|f[cd][0-9a-f]{0,2}:.*|fe[89ab][0-9a-f]:.*'), false);

-- An IP address as bits: '4' or '6' then 32 or 128 characters '0'/'1'; NULL when it is not an address.
-- IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are read as the IPv4 address.
CREATE OR REPLACE TEMP MACRO kt_ip4_bits(p_ip) AS CASE
  WHEN regexp_full_match(p_ip, '(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}')
  THEN '4' || array_to_string(list_transform(string_split(p_ip, '.'), lambda o: lpad(bin(CAST(o AS INTEGER)), 8, '0')), '') END;
CREATE OR REPLACE TEMP MACRO kt_ip6_groups(p_ip) AS list_concat(
  CASE WHEN string_split(p_ip, '::')[1] = '' THEN [] ELSE string_split(string_split(p_ip, '::')[1], ':') END,
  CASE WHEN contains(p_ip, '::') THEN list_transform(range(8
      - len(CASE WHEN string_split(p_ip, '::')[1] = '' THEN [] ELSE string_split(string_split(p_ip, '::')[1], ':') END)
      - len(CASE WHEN coalesce(string_split(p_ip, '::')[2], '') = '' THEN [] ELSE string_split(string_split(p_ip, '::')[2], ':') END)), lambda x: '0')
    ELSE [] END,
  CASE WHEN NOT contains(p_ip, '::') OR coalesce(string_split(p_ip, '::')[2], '') = '' THEN [] ELSE string_split(string_split(p_ip, '::')[2], ':') END);
CREATE OR REPLACE TEMP MACRO kt_ip6_bits(p_ip) AS CASE
  WHEN regexp_full_match(lower(p_ip), '[0-9a-f:]+') AND len(kt_ip6_groups(lower(p_ip))) = 8
   AND list_bool_and(list_transform(kt_ip6_groups(lower(p_ip)), lambda g: regexp_full_match(g, '[0-9a-f]{1,4}')))
  THEN '6' || array_to_string(list_transform(kt_ip6_groups(lower(p_ip)), lambda g: lpad(bin(CAST('0x' || g AS INTEGER)), 16, '0')), '') END;
CREATE OR REPLACE TEMP MACRO kt_ip_bits(p_ip) AS CASE
  WHEN p_ip IS NULL THEN NULL
  WHEN regexp_full_match(lower(p_ip), '::ffff:[0-9.]+') THEN kt_ip4_bits(substr(p_ip, 8))
  WHEN contains(p_ip, ':') THEN kt_ip6_bits(split_part(p_ip, '%', 1))
  ELSE kt_ip4_bits(p_ip) END;

-- Is an address (given as kt_ip_bits) inside one of the ranges (bit prefixes, see src/detect/cidr.ts)?
CREATE OR REPLACE TEMP MACRO kt_ip_in(p_bits, p_prefixes) AS
  coalesce(len(list_filter(p_prefixes, lambda kt_pfx: starts_with(p_bits, kt_pfx))) > 0, false);

-- A JSON array as a list of JSON values (empty for anything else).
CREATE OR REPLACE TEMP MACRO kt_json_list(p_j) AS CASE WHEN json_type(p_j) = 'ARRAY' THEN CAST(p_j AS JSON[]) ELSE CAST([] AS JSON[]) END;

-- A JSON array of strings as VARCHAR[] (empty for anything else).
CREATE OR REPLACE TEMP MACRO kt_json_strings(p_j) AS list_transform(kt_json_list(p_j), lambda x: json_extract_string(x, '$'));

-- A short description of the object a request touched: "ns/name", "name", or "(all ns)".
CREATE OR REPLACE TEMP MACRO kt_target(p_ns, p_name) AS
  CASE WHEN p_name IS NULL AND p_ns IS NULL THEN '(all namespaces)'
       WHEN p_name IS NULL THEN p_ns || '/*'
       WHEN p_ns IS NULL THEN p_name
       ELSE p_ns || '/' || p_name END;

-- Who did it, for summaries.
CREATE OR REPLACE TEMP MACRO kt_who(p_u) AS coalesce(nullif(p_u, ''), '(unknown user)');

-- "created", "patched", ... for summaries.
CREATE OR REPLACE TEMP MACRO kt_did(p_verb) AS CASE p_verb
  WHEN 'create' THEN 'created' WHEN 'update' THEN 'updated' WHEN 'patch' THEN 'patched' WHEN 'delete' THEN 'deleted'
  WHEN 'deletecollection' THEN 'deleted a collection of' WHEN 'get' THEN 'read' WHEN 'list' THEN 'listed'
  WHEN 'watch' THEN 'watched' ELSE coalesce(p_verb, '(no verb)') END;

-- A container image with its registry spelled out (nginx:1 -> docker.io/library/nginx:1), for allow-lists.
CREATE OR REPLACE TEMP MACRO kt_image_ref(p_img) AS CASE
  WHEN p_img IS NULL THEN NULL
  WHEN contains(p_img, '/') AND (contains(split_part(p_img, '/', 1), '.') OR contains(split_part(p_img, '/', 1), ':')
                                 OR split_part(p_img, '/', 1) = 'localhost') THEN p_img
  WHEN contains(p_img, '/') THEN 'docker.io/' || p_img
  ELSE 'docker.io/library/' || p_img END;

-- "name=image" of a container spec, for summaries.
CREATE OR REPLACE TEMP MACRO kt_container_label(p_c) AS
  coalesce(json_extract_string(p_c, '$.name'), '?') || '=' || coalesce(json_extract_string(p_c, '$.image'), '?');

-- An interval as people write it: 30m, 1h, 7d.
CREATE OR REPLACE TEMP MACRO kt_duration(p_i) AS CASE
  WHEN epoch(p_i) % 86400 = 0 THEN CAST(CAST(epoch(p_i) / 86400 AS BIGINT) AS VARCHAR) || 'd'
  WHEN epoch(p_i) % 3600 = 0 THEN CAST(CAST(epoch(p_i) / 3600 AS BIGINT) AS VARCHAR) || 'h'
  WHEN epoch(p_i) % 60 = 0 THEN CAST(CAST(epoch(p_i) / 60 AS BIGINT) AS VARCHAR) || 'm'
  ELSE CAST(CAST(epoch(p_i) AS BIGINT) AS VARCHAR) || 's' END;

-- RBAC bodies, parsed once into typed structs: the rules of a Role/ClusterRole, and their verbs and resources.
CREATE OR REPLACE TEMP MACRO kt_rules(p_obj) AS coalesce(
  json_transform(p_obj, '{"rules":[{"verbs":["VARCHAR"],"resources":["VARCHAR"],"apiGroups":["VARCHAR"]}]}').rules, []);
CREATE OR REPLACE TEMP MACRO kt_rule_verbs(p_r) AS coalesce(p_r.verbs, []);
CREATE OR REPLACE TEMP MACRO kt_rule_resources(p_r) AS coalesce(p_r.resources, []);

-- The subjects of a (Cluster)RoleBinding as "User:alice", "Group:devs", "ServiceAccount:ns/name".
CREATE OR REPLACE TEMP MACRO kt_subjects(p_obj) AS list_transform(
  coalesce(json_transform(p_obj, '{"subjects":[{"kind":"VARCHAR","name":"VARCHAR","namespace":"VARCHAR"}]}').subjects, []),
  lambda s: coalesce(s.kind, '?') || ':' || CASE WHEN s.kind = 'ServiceAccount' THEN coalesce(s.namespace, '?') || '/' ELSE '' END || coalesce(s.name, '?'));

-- The pod spec a write carries: a pod's spec, a workload's template, a CronJob's job template. Only full
-- objects and merge patches have one (a JSON patch is a list of operations).
CREATE OR REPLACE TEMP MACRO kt_pod_spec(p_resource, p_subresource, p_verb, p_obj) AS CASE
  WHEN p_verb IN ('create', 'update', 'patch') AND (p_subresource IS NULL OR p_subresource = 'ephemeralcontainers')
       AND json_type(p_obj) = 'OBJECT' THEN
    CASE WHEN p_resource = 'pods' THEN json_extract(p_obj, '$.spec')
         WHEN p_resource IN ('deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'replicationcontrollers')
           THEN json_extract(p_obj, '$.spec.template.spec')
         WHEN p_resource = 'cronjobs' THEN json_extract(p_obj, '$.spec.jobTemplate.spec.template.spec') END END;

-- Every container of a pod spec: containers, init containers and ephemeral containers.
CREATE OR REPLACE TEMP MACRO kt_containers(p_spec) AS CASE WHEN p_spec IS NOT NULL THEN list_concat(
  kt_json_list(json_extract(p_spec, '$.containers')),
  kt_json_list(json_extract(p_spec, '$.initContainers')),
  kt_json_list(json_extract(p_spec, '$.ephemeralContainers'))) END;

-- The images of a list of containers.
CREATE OR REPLACE TEMP MACRO kt_images(p_containers) AS CASE WHEN p_containers IS NOT NULL THEN
  list_filter(list_transform(p_containers, lambda c: json_extract_string(c, '$.image')), lambda i: i IS NOT NULL) END;
