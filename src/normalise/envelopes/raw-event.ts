import type { Envelope } from '../envelope.js';
import { EVENT_FROM_RECORD } from '../event-shape.js';

/**
 * A bare `audit.k8s.io` Event (v1, v1beta1, or older ones without apiVersion/level/stage), as the
 * kube-apiserver log backend writes it and as EKS forwards it. The Event fields are already in `u`.
 */
export const rawEvent: Envelope = {
  name: 'raw-event',
  match: `u.kind = 'Event' OR u.auditID IS NOT NULL OR (u.verb IS NOT NULL AND u.requestURI IS NOT NULL)`,
  event: EVENT_FROM_RECORD,
  typedEvent: EVENT_FROM_RECORD,
  meta: {
    // v1beta1 events carry their own `timestamp`
    envelopeTime: `json_extract_string(u.timestamp, '$')`,
  },
};
