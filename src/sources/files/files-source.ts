/**
 * Audit log files: self-hosted clusters' log backend output, and exports of any provider (aws logs
 * filter-log-events output, gcloud logging read, Azure storage exports). Used by `provider: files`
 * clusters (incremental: a file is read from where the last run stopped) and by `kubetrail import`.
 *
 * Per file, state is {offset, line} in the decompressed stream, keyed by the file's fingerprint, so
 * appended lines are read and rotated or compressed copies are not read again.
 */
import { SourceError } from '../../errors.js';
import { describeFsError, discover } from './discover.js';
import { fingerprint, readHead, readWhole } from './fingerprint.js';
import { isGzip, readLines } from './read-lines.js';
import type { Checkpoint, RecordSink, Source, SourceContext, SourceStats, StateUpdate } from '../types.js';

/** A JSON document this large or smaller may be one pretty-printed value rather than JSON lines. */
const WHOLE_DOCUMENT_BYTES = 64 * 1024 * 1024;
/** A live file's unterminated last line is taken once the file has been quiet this long. */
const SETTLE_MS = 5 * 60 * 1000;

export interface FileState {
  path: string;
  offset: number;
  line: number;
  /** Size of the file on disk when last read (compressed size for gzip). */
  size: number;
  /** Everything up to the end was read (gzip files are then not decompressed again). */
  complete: boolean;
}

export interface FilesSourceOptions {
  paths: readonly string[];
  /** pull: live files, leave a last line that is still being written; import: take everything. */
  mode: 'pull' | 'import';
  /** Read every file from the start again (the anti-join still drops what already landed). */
  reread?: boolean;
}

export function filesSource(opts: FilesSourceOptions): Source {
  return {
    provider: 'files',
    async pull(ctx: SourceContext, sink: RecordSink, checkpoint: Checkpoint): Promise<SourceStats> {
      const stats = {
        files_found: 0,
        files_read: 0,
        files_unchanged: 0,
        files_empty: 0,
        files_failed: 0,
        files_ignored: 0,
        blank_lines: 0,
        bytes_read: 0,
      };
      const problems: string[] = [];
      const found = await discover(opts.paths);
      stats.files_found = found.files.length;
      stats.files_ignored = found.ignored.length;
      for (const p of found.problems) {
        problems.push(`${p.path}: ${p.message}`);
        stats.files_failed++;
        ctx.log.warn({ path: p.path }, p.message);
      }
      for (const f of found.ignored) ctx.log.debug({ path: f }, 'not a log file name, passed over');

      // Cursors of files read since the last checkpoint: small files share one landing.
      let pending: StateUpdate[] = [];
      const flush = async (extra: StateUpdate[] = []): Promise<void> => {
        const updates = [...pending, ...extra];
        pending = [];
        if (updates.length || sink.count) await checkpoint(updates);
      };
      for (const file of found.files) {
        if (ctx.signal.aborted) break;
        try {
          if (file.size === 0) {
            stats.files_empty++;
            ctx.log.info({ path: file.path }, 'empty file, nothing to read');
            continue;
          }
          const fp = await fingerprint(file.path);
          if (!fp.settled && opts.mode === 'pull' && Date.now() - file.mtimeMs < SETTLE_MS) {
            ctx.log.info({ path: file.path }, 'first line still being written, will read next run');
            continue;
          }
          const stream = `file:${fp.id}`;
          const prev = opts.reread ? undefined : (ctx.state.get(stream) as FileState | undefined);
          const gz = isGzip(file.path);
          if (prev && ((prev.complete && prev.size === file.size) || (!gz && prev.offset === file.size))) {
            stats.files_unchanged++;
            continue;
          }
          const from = prev && (gz || prev.offset <= file.size) ? prev : undefined;
          const s = sink.source(file.path);
          const cursor = (offset: number, line: number, complete: boolean): StateUpdate => ({
            stream,
            state: { path: file.path, offset, line, size: file.size, complete } satisfies FileState,
          });
          // A file's end: its cursor waits for the next landing unless enough is staged already.
          const save = async (offset: number, line: number, complete: boolean): Promise<void> => {
            pending.push(cursor(offset, line, complete));
            if (sink.due) await flush();
          };

          if (!from && (await looksLikeOneDocument(file.path))) {
            const doc = readWhole(file.path);
            if (doc.length <= WHOLE_DOCUMENT_BYTES) {
              const text = doc.toString('utf8');
              let value: unknown;
              try {
                value = JSON.parse(text);
              } catch (err) {
                if (!secondLineIsJson(text)) {
                  sink.addRefused(s, 1, `not valid JSON (the file is one document): ${(err as Error).message}`, text.slice(0, 65536));
                  await save(doc.length, text.split('\n').length, true);
                  stats.files_read++;
                  stats.bytes_read += file.size;
                  continue;
                }
              }
              if (value !== undefined) {
                sink.addText(s, 1, JSON.stringify(value));
                await save(doc.length, text.split('\n').length, true);
                stats.files_read++;
                stats.bytes_read += file.size;
                continue;
              }
            }
          }

          const result = await readLines(
            file.path,
            {
              line: (buf, start, end, line) => sink.addBytes(s, line, buf, start, end),
              tooLong: (head, bytes, line) =>
                sink.addRefused(s, line, `line of ${bytes} bytes is longer than kubetrail reads`, head.toString('utf8')),
            },
            {
              offset: from?.offset ?? 0,
              line: from?.line ?? 0,
              takeUnterminated: opts.mode === 'import' || Date.now() - file.mtimeMs >= SETTLE_MS,
              between: async (pos) => {
                if (sink.due) await flush([cursor(pos.offset, pos.line, false)]);
              },
            },
          );
          stats.blank_lines += result.blankLines;
          stats.bytes_read += result.offset - (from?.offset ?? 0);
          stats.files_read++;
          await save(result.offset, result.line, result.tailBytes === 0);
        } catch (err) {
          stats.files_failed++;
          const msg = `${file.path}: ${describeFsError(err, 'vanished before it could be read')}`;
          problems.push(msg);
          ctx.log.warn({ path: file.path }, msg);
        }
      }
      await flush();
      if (stats.files_found === 0 && problems.length) {
        throw new SourceError(String(ctx.cluster.name), 'files', `nothing to read: ${problems.join('; ')}`);
      }
      return { ...stats, problems: problems.length ? problems.join('\n') : null };
    },
  };
}

/** A file that starts with `{` or `[` but whose first line is not JSON on its own: one pretty-printed document. */
async function looksLikeOneDocument(path: string): Promise<boolean> {
  const head = await readHead(path, 1024 * 1024);
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return false;
  const nl = text.indexOf('\n');
  if (nl === -1 || text.slice(nl).trim() === '') return false; // one line: read as a line
  try {
    JSON.parse(text.slice(0, nl));
    return false; // the first line is a record: JSON lines
  } catch {
    return true;
  }
}

function secondLineIsJson(text: string): boolean {
  const lines = text.split('\n', 3);
  try {
    return lines.length > 1 && lines[1]!.trim() !== '' && (JSON.parse(lines[1]!), true);
  } catch {
    return false;
  }
}
