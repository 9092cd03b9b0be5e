/**
 * The ceiling for the import benchmark: the same file straight into the same `audit_events` table with one
 * bare read_json INSERT, mapping the Event fields to the columns directly. No staging, no envelope
 * detection, no checks, no redaction, no dedupe: what DuckDB alone costs.
 *   node --import tsx bench/import-ceiling.ts DB FILE MEMORY_LIMIT
 */
import { Database } from '../src/store/database.js';

const [dbPath, file, memoryLimit] = process.argv.slice(2) as [string, string, string];
const db = await Database.open(dbPath, { memoryLimit });
const conn = await db.connect();
await conn.run(
  `INSERT INTO audit_events (cluster, provider, audit_id, stage, level, verb, request_uri, user_name, user_uid, user_groups, user_extra,
     source_ips, user_agent, api_group, api_version, resource, subresource, namespace, name, response_code, decision,
     request_received_at, stage_at, request_object, response_object, annotations, event_time, envelope, run_id, landed_at)
   SELECT 'bench', 'files', auditID, stage, level, verb, requestURI, "user".username, "user".uid, "user".groups, "user".extra,
     sourceIPs, userAgent, objectRef.apiGroup, objectRef.apiVersion, objectRef.resource, objectRef.subresource, objectRef.namespace, objectRef.name,
     responseStatus.code, annotations->>'authorization.k8s.io/decision', requestReceivedTimestamp, stageTimestamp, requestObject, responseObject,
     annotations, stageTimestamp, 'raw-event', 'ceiling', now()
   FROM read_json($1, format = 'newline_delimited', columns = {
     auditID: 'VARCHAR', stage: 'VARCHAR', level: 'VARCHAR', verb: 'VARCHAR', requestURI: 'VARCHAR',
     "user": 'STRUCT(username VARCHAR, uid VARCHAR, groups VARCHAR[], extra JSON)', sourceIPs: 'VARCHAR[]', userAgent: 'VARCHAR',
     objectRef: 'STRUCT(apiGroup VARCHAR, apiVersion VARCHAR, resource VARCHAR, subresource VARCHAR, namespace VARCHAR, name VARCHAR)',
     responseStatus: 'STRUCT(code INTEGER)', requestReceivedTimestamp: 'TIMESTAMPTZ', stageTimestamp: 'TIMESTAMPTZ',
     requestObject: 'JSON', responseObject: 'JSON', annotations: 'JSON'})`,
  [file],
);
conn.closeSync();
db.close();
