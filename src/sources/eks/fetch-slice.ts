/**
 * One slice [start, end) of a log group's audit streams through FilterLogEvents: page after page until
 * nextToken is absent (pages may be empty and still carry a token: CloudWatch searches the streams in
 * chunks). Events go to the sink exactly as the SDK returns them.
 */
import { FilterLogEventsCommand, type FilterLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import type { Quota } from '../quota.js';
import type { RecordSink } from '../types.js';
import type { AwsClients } from './aws-clients.js';
import type { Slice } from './plan-windows.js';
import { callWithRetry, type CallCounters, type RetryPolicy } from './retry.js';

/** EKS names its audit streams kube-apiserver-audit-<hex> and rotates them: match the prefix, never a name. */
export const AUDIT_STREAM_PREFIX = 'kube-apiserver-audit';
/** The most FilterLogEvents returns per page (it also stops at 1 MB). */
export const PAGE_LIMIT = 10_000;

export interface SliceCounters {
  pages: number;
  empty_pages: number;
  events: number;
  /** Events at the slice's end millisecond: they belong to the next slice (FilterLogEvents' endTime is inclusive). */
  events_at_slice_end: number;
}

export const emptySliceCounters = (): SliceCounters => ({ pages: 0, empty_pages: 0, events: 0, events_at_slice_end: 0 });

export interface SliceFetch {
  clients: AwsClients;
  logGroup: string;
  /** sink.source() location for the log group. */
  location: string;
  sink: RecordSink;
  quota: Quota;
  retry: RetryPolicy;
  calls: CallCounters;
  counters: SliceCounters;
  signal: AbortSignal;
  /** After each page (the records are in the sink): the place to checkpoint. */
  afterPage(): Promise<void>;
}

export class RepeatedTokenError extends Error {
  override readonly name = 'RepeatedTokenError';
}

export async function fetchSlice(slice: Slice, f: SliceFetch): Promise<void> {
  const request = (token: string | undefined): Promise<FilterLogEventsCommandOutput> => {
    const p = callWithRetry(
      f.quota,
      () =>
        f.clients.logs.send(
          new FilterLogEventsCommand({
            logGroupName: f.logGroup,
            logStreamNamePrefix: AUDIT_STREAM_PREFIX,
            startTime: slice.start,
            // endTime = the slice's exclusive end: whether the service reads it inclusively (as documented)
            // or not, nothing before `end` is missed; events at `end` itself are passed over below.
            endTime: slice.end,
            limit: PAGE_LIMIT,
            nextToken: token,
          }),
          { abortSignal: f.signal },
        ),
      f.retry,
      f.calls,
      f.signal,
    );
    p.catch(() => undefined); // observed below; a page fetched ahead may fail after the slice stopped
    return p;
  };
  let token: string | undefined;
  let next: Promise<FilterLogEventsCommandOutput> | undefined = request(undefined);
  while (next) {
    const out: FilterLogEventsCommandOutput = await next;
    const nextToken: string | undefined = out.nextToken;
    if (nextToken !== undefined && nextToken === token) {
      throw new RepeatedTokenError(`FilterLogEvents returned the nextToken it was given (slice ${new Date(slice.start).toISOString()} - ${new Date(slice.end).toISOString()})`);
    }
    // Ask for the next page before staging this one: the wait for it overlaps our work on this one.
    next = nextToken ? request(nextToken) : undefined;
    token = nextToken;
    f.counters.pages++;
    const events = out.events ?? [];
    if (events.length === 0) f.counters.empty_pages++;
    // Taken per page: a checkpoint (between pages) starts a new staging file with its own source list.
    const s = f.sink.source(f.location);
    for (const ev of events) {
      if (ev.timestamp !== undefined && ev.timestamp >= slice.end) {
        f.counters.events_at_slice_end++;
        continue;
      }
      const { message, ...rest } = ev;
      // The message is the Event as JSON text: staged beside the rest, not escaped into a string.
      if (typeof message === 'string') f.sink.addEmbedded(s, ev.timestamp ?? 0, rest, 'message', message);
      else f.sink.addValue(s, ev.timestamp ?? 0, ev);
      f.counters.events++;
    }
    await f.afterPage();
  }
}
