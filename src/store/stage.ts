/**
 * The staging file: what a source fetched, written as NDJSON for DuckDB's read_json, one record per line:
 *   {"q":<seq>,"s":<source>,"l":<line>,"r":<the record's JSON, byte for byte>}
 *   {"q":<seq>,"s":<source>,"l":<line>,"i":<item>,"r":<an element of a batch record>}
 *   {"q":<seq>,"s":<source>,"l":<line>,"a":<a Log Analytics row>}
 *   {"q":<seq>,"s":<source>,"l":<line>,"f":"<field>","w":<the record without field>,"r":<field's JSON text>}
 *   {"q":<seq>,"s":<source>,"l":<line>,"x":"<why it was refused>","t":"<its text>"}
 * Records are copied as bytes, never parsed here: DuckDB parses them once. A line that is not JSON makes
 * its staged line unreadable; read_json skips it, and the lander finds it by its missing `q` and reads
 * it back (`read`) to say why. Lines that cannot be staged at all (invalid UTF-8, too large) are refused.
 */
import { closeSync, fstatSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { MAX_RECORD_BYTES } from '../normalise/normalise.js';

const BUFFER_BYTES = 4 * 1024 * 1024;
const REFUSED_TEXT_CHARS = 64 * 1024;

/** `r`: any record; `a`: a Log Analytics row (its PascalCase columns get a struct of their own). */
export type RecordKey = 'r' | 'a';

export interface StagedText {
  q: number;
  source: number;
  line: number;
  item: number | null;
  /** The record's text (the `r`/`a` value, the refused text, or an embedded record put back together). */
  text: string;
  /** Staged with its embedded document beside it (`addEmbedded`), which may not be JSON after all. */
  embedded: boolean;
}

export class StageFile {
  private fd: number;
  private buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private pos = 0;
  private written = 0;
  /** Byte offset of each record in the file, to read a record back by its sequence number. */
  private offsets: number[] = [];
  private readonly sourceIndex: Map<string, number>;
  /** Records handed in, including refused ones. */
  count = 0;
  refused = 0;

  /**
   * `sources` may be shared by consecutive stage files of one pull, so that a source index handed out
   * before a checkpoint stays valid after it.
   */
  constructor(
    readonly path: string,
    private readonly sources: string[] = [],
  ) {
    this.fd = openSync(path, 'w', 0o600);
    this.sourceIndex = new Map(sources.map((s, i) => [s, i]));
  }

  /** Index of a source location (file path or provider coordinates) for `s`. */
  source(location: string): number {
    let s = this.sourceIndex.get(location);
    if (s === undefined && this.sources.length > this.sourceIndex.size) {
      // another stage file sharing the list added sources since this one was created
      this.sources.forEach((loc, i) => this.sourceIndex.set(loc, i));
      s = this.sourceIndex.get(location);
    }
    if (s === undefined) {
      s = this.sources.length;
      this.sources.push(location);
      this.sourceIndex.set(location, s);
    }
    return s;
  }

  get sourceLocations(): readonly string[] {
    return this.sources;
  }

  /** Bytes staged so far. */
  get bytes(): number {
    return this.written + this.pos;
  }

  /** A record given as JSON text bytes (a line of a file). */
  addBytes(source: number, line: number, data: Buffer, start: number, end: number, item: number | null = null, key: RecordKey = 'r'): void {
    const len = end - start;
    if (len > MAX_RECORD_BYTES) {
      this.addRefused(source, line, `record of ${len} bytes is larger than the ${MAX_RECORD_BYTES / 1024 / 1024} MiB kubetrail reads`, data.toString('utf8', start, start + 4096), item);
      return;
    }
    const slice = data.subarray(start, end);
    if (!isUtf8(slice)) {
      this.addRefused(source, line, `not valid UTF-8 (first bad byte at offset ${firstBadUtf8(slice)})`, slice.toString('utf8'), item);
      return;
    }
    this.head(source, line, item, key);
    if (len > this.buf.length) {
      this.flush();
      writeSync(this.fd, slice);
      this.written += len;
    } else {
      this.ensure(len + 2);
      this.pos += slice.copy(this.buf, this.pos);
    }
    this.tail();
  }

  /** A record given as JSON text. */
  addText(source: number, line: number, json: string, item: number | null = null, key: RecordKey = 'r'): void {
    const len = Buffer.byteLength(json);
    if (len > MAX_RECORD_BYTES) {
      this.addRefused(source, line, `record of ${len} bytes is larger than the ${MAX_RECORD_BYTES / 1024 / 1024} MiB kubetrail reads`, json.slice(0, 4096), item);
      return;
    }
    this.head(source, line, item, key);
    if (len > this.buf.length) {
      this.flush();
      writeSync(this.fd, json);
      this.written += len;
    } else {
      this.ensure(len + 2);
      this.pos += this.buf.write(json, this.pos);
    }
    this.tail();
  }

  /** A record given as a value (an SDK's decoded response). */
  addValue(source: number, line: number, value: unknown, key: RecordKey = 'r'): void {
    this.addText(source, line, JSON.stringify(value), null, key);
  }

  /**
   * A record one of whose fields holds a JSON document as text (CloudWatch's `message`). When the text
   * looks like one JSON object on one line, it is staged as JSON (`r`) beside the rest of the record
   * (`w`, flat): DuckDB parses it once, and it is never escaped here nor unescaped there. If it is not
   * JSON after all, read_json drops the staged line and the lander stages the record whole again (see
   * land.ts), so the normaliser still says what is wrong with it.
   */
  addEmbedded(source: number, line: number, wrapper: Record<string, unknown>, field: string, text: string): void {
    if (!looksLikeOneObjectLine(text) || (text.length * 3 > MAX_RECORD_BYTES && Buffer.byteLength(text) > MAX_RECORD_BYTES)) {
      this.addText(source, line, JSON.stringify({ ...wrapper, [field]: text }));
      return;
    }
    const q = this.count++;
    this.offsets.push(this.bytes);
    this.writeString(`{"q":${q},"s":${source},"l":${line},"f":${JSON.stringify(field)},"w":${JSON.stringify(wrapper)},"r":`);
    this.writeString(text);
    this.tail();
  }

  /** A record refused before staging: it goes straight to quarantine with this reason. */
  addRefused(source: number, line: number, reason: string, text: string, item: number | null = null): void {
    const q = this.count++;
    this.refused++;
    this.offsets.push(this.bytes);
    this.writeString(
      `{"q":${q},"s":${source},"l":${line}${item === null ? '' : `,"i":${item}`},"x":${JSON.stringify(reason)},"t":${JSON.stringify(text.slice(0, REFUSED_TEXT_CHARS))}}\n`,
    );
  }

  /** Flush and close; the file stays for DuckDB to read. */
  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }

  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }

  /** Read records back by sequence number (the few the lander must look at itself). */
  read(qs: Iterable<number>): StagedText[] {
    this.close();
    const fd = openSync(this.path, 'r');
    const size = fstatSync(fd).size;
    const out: StagedText[] = [];
    try {
      for (const q of qs) {
        const start = this.offsets[q]!;
        const end = q + 1 < this.offsets.length ? this.offsets[q + 1]! : size;
        const b = Buffer.allocUnsafe(end - start);
        readSync(fd, b, 0, b.length, start);
        const line = b.toString('utf8').replace(/\n$/, '');
        // `w` is flat JSON we wrote: inside its strings every quote is escaped, so `},"r":` ends it.
        const m = /^\{"q":(\d+),"s":(\d+),"l":(\d+)(?:,"i":(\d+))?(?:,"f":("(?:[^"\\]|\\.)*"),"w":(\{.*?\}))?,"([rax])":/.exec(line);
        if (!m) continue;
        let text: string;
        if (m[7] === 'x') {
          const refused = /,"t":(".*")\}$/.exec(line);
          text = refused ? (JSON.parse(refused[1]!) as string) : '';
        } else text = line.slice(m[0].length, -1);
        const embedded = m[5] !== undefined;
        if (embedded) {
          const wrapper = m[6]!;
          text = `${wrapper.slice(0, -1)}${wrapper === '{}' ? '' : ','}${m[5]}:${JSON.stringify(text)}}`;
        }
        out.push({ q, source: Number(m[2]), line: Number(m[3]), item: m[4] === undefined ? null : Number(m[4]), text, embedded });
      }
    } finally {
      closeSync(fd);
    }
    return out;
  }

  private head(source: number, line: number, item: number | null, key: RecordKey): void {
    const q = this.count++;
    this.offsets.push(this.bytes);
    const h = `{"q":${q},"s":${source},"l":${line}${item === null ? '' : `,"i":${item}`},"${key}":`;
    this.ensure(h.length);
    this.pos += this.buf.write(h, this.pos, 'latin1');
  }

  private tail(): void {
    this.ensure(2);
    this.buf[this.pos++] = 0x7d; // }
    this.buf[this.pos++] = 0x0a; // \n
  }

  private writeString(s: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8: a short string is written without counting its bytes first.
    if (s.length * 3 <= this.buf.length) {
      this.ensure(s.length * 3);
      this.pos += this.buf.write(s, this.pos);
      return;
    }
    const len = Buffer.byteLength(s);
    if (len > this.buf.length) {
      this.flush();
      writeSync(this.fd, s);
      this.written += len;
    } else {
      this.ensure(len);
      this.pos += this.buf.write(s, this.pos);
    }
  }

  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  private flush(): void {
    if (this.pos === 0) return;
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.written += this.pos;
    this.pos = 0;
  }
}

/**
 * Text that can go into a staged line as JSON as it is: an object on one line (JSON allows raw line
 * breaks between tokens; NDJSON does not), and no lone surrogate (it would be written as U+FFFD).
 */
function looksLikeOneObjectLine(text: string): boolean {
  return (
    text.charCodeAt(0) === 0x7b &&
    text.charCodeAt(text.length - 1) === 0x7d &&
    !text.includes('\n') &&
    !text.includes('\r') &&
    (text as string & { isWellFormed(): boolean }).isWellFormed()
  );
}

/** Offset of the first byte that breaks UTF-8 (only called on lines that are not valid UTF-8). */
export function firstBadUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
    }
    if (n > 0 && !isUtf8(b.subarray(i, i + n + 1))) return i; // overlong or surrogate forms
    i += n + 1;
  }
  return b.length;
}
