import { embeddedText, eventFromText, type Envelope } from '../envelope.js';
import { EVENT_FROM_RECORD, EVENT_SPEC } from '../event-shape.js';

const epochMs = (expr: string): string =>
  `strftime(make_timestamp(CAST(${expr} AS BIGINT) * 1000), '%Y-%m-%dT%H:%M:%S.%fZ')`;

/**
 * A field of the CloudWatch event. A pull stages the message (the Event) as the record and the rest of
 * the CloudWatch event beside it in `w`; a file (an export, a forwarder's output) has it all in `u`.
 */
const cw = (field: string): string => `CASE WHEN w IS NULL THEN u."${field}" ELSE w."${field}" END`;
const HAS_CLOUDWATCH_KEYS = (s: string) => `(${s}.eventId IS NOT NULL OR ${s}.logStreamName IS NOT NULL OR ${s}.ingestionTime IS NOT NULL OR ${s}.timestamp IS NOT NULL)`;

/**
 * A CloudWatch Logs event as FilterLogEvents returns it ({logStreamName, timestamp, ingestionTime,
 * eventId, message}); the message is the Event as a JSON string. Forwarders that already parsed the
 * message into an object are read the same way.
 */
export const cloudwatchEvent: Envelope = {
  name: 'cloudwatch-event',
  match: `(w IS NOT NULL AND ${HAS_CLOUDWATCH_KEYS('w')}) OR (w IS NULL AND u.message IS NOT NULL AND ${HAS_CLOUDWATCH_KEYS('u')})`,
  prepare: [{ cw_text: `CASE WHEN w IS NULL THEN ${embeddedText('u.message')} END` }],
  event: `CASE WHEN w IS NOT NULL THEN ${EVENT_FROM_RECORD} ELSE ${eventFromText('cw_text', EVENT_SPEC)} END`,
  typedEvent: `CASE WHEN w IS NOT NULL THEN ${EVENT_FROM_RECORD} END`,
  unreadable: `'CloudWatch message is not a JSON audit event (' || length(cw_text) || ' characters: CloudWatch cuts events over its size limit)'`,
  meta: {
    providerEventId: cw('eventId'),
    ingestedAt: `CASE WHEN regexp_full_match(${cw('ingestionTime')}, '[0-9]+') THEN ${epochMs(cw('ingestionTime'))} ELSE ${cw('ingestionTime')} END`,
    logName: cw('logStreamName'),
    envelopeTime: `CASE WHEN regexp_full_match(json_extract_string(${cw('timestamp')}, '$'), '[0-9]+') THEN ${epochMs(`json_extract_string(${cw('timestamp')}, '$')`)} ELSE json_extract_string(${cw('timestamp')}, '$') END`,
    envelopeRecord: `json_object('logStreamName', ${cw('logStreamName')}, 'eventId', ${cw('eventId')}, 'timestamp', ${cw('timestamp')}, 'ingestionTime', ${cw('ingestionTime')})`,
  },
};
