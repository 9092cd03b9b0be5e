import { embeddedText, eventFromText, type Envelope } from '../envelope.js';
import { EVENT_SPEC } from '../event-shape.js';

const epochMs = (expr: string): string =>
  `strftime(make_timestamp(CAST(${expr} AS BIGINT) * 1000), '%Y-%m-%dT%H:%M:%S.%fZ')`;

/**
 * A CloudWatch Logs event as FilterLogEvents returns it ({logStreamName, timestamp, ingestionTime,
 * eventId, message}); the message is the Event as a JSON string. Forwarders that already parsed the
 * message into an object are read the same way.
 */
export const cloudwatchEvent: Envelope = {
  name: 'cloudwatch-event',
  match: `u.message IS NOT NULL AND (u.eventId IS NOT NULL OR u.logStreamName IS NOT NULL OR u.ingestionTime IS NOT NULL OR u.timestamp IS NOT NULL)`,
  prepare: [{ cw_text: embeddedText('u.message') }],
  event: eventFromText('cw_text', EVENT_SPEC),
  unreadable: `'CloudWatch message is not a JSON audit event (' || length(cw_text) || ' characters: CloudWatch cuts events over its size limit)'`,
  meta: {
    providerEventId: 'u.eventId',
    ingestedAt: `CASE WHEN regexp_full_match(u.ingestionTime, '[0-9]+') THEN ${epochMs('u.ingestionTime')} ELSE u.ingestionTime END`,
    logName: 'u.logStreamName',
    envelopeTime: `CASE WHEN regexp_full_match(json_extract_string(u.timestamp, '$'), '[0-9]+') THEN ${epochMs(`json_extract_string(u.timestamp, '$')`)} ELSE json_extract_string(u.timestamp, '$') END`,
    envelopeRecord: `json_object('logStreamName', u.logStreamName, 'eventId', u.eventId, 'timestamp', u.timestamp, 'ingestionTime', u.ingestionTime)`,
  },
};
