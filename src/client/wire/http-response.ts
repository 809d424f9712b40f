/**
 * A strict HTTP/1.1 response parser for the wire transport's own connections (`http-pool.ts`): the status
 * line, the headers, and a body framed by Content-Length, `Transfer-Encoding: chunked` or the end of the
 * connection (RFC 9112 §6.3), fed in whatever TCP chunks arrive. A response that breaks the grammar throws an
 * {@link HttpParseError} whose `code` is the one Node's llhttp gives the same fault (`HPE_…`), so the attempt
 * fails as it did through `http.request`: a network error with that code.
 *
 * Not handled, on purpose: request pipelining (one request per connection at a time: bytes after a complete
 * response make the connection unusable, `trailing`); `101 Switching Protocols` (an error). Other 1xx interim
 * responses are skipped, as Node skips them (tsorm never sends `Expect: 100-continue`, so none is expected).
 */

/** A parse failure, with llhttp's error code for the same fault. */
export class HttpParseError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`Parse Error: ${message}`);
  }
}

export interface HttpResponse {
  status: number;
  /** `[name, value, …]` as received (Node's `rawHeaders`). */
  rawHeaders: string[];
  body: Buffer;
  /** The server asked to close the connection (`Connection: close`, HTTP/1.0), or the body ran to its end. */
  close: boolean;
}

/** Node's default `--max-http-header-size`: a longer head is an error, not a buffer without bound. */
const MAX_HEAD_BYTES = 16 * 1024;
/** A chunk-size line longer than this is no chunk size (16 hex digits and an extension are far less). */
const MAX_CHUNK_LINE = 1024;
const CRLF2 = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [\t\x20-\x7e\x80-\xff]*)?$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * A character a field value may not hold (RFC 9110 §5.5: visible ASCII, obs-text, space and tab), which
 * includes a CR or LF that is not a line end. What Node's `validateHeaderValue` refuses too; `config.ts`
 * refuses configured values (sent as headers) that hold one.
 */
export const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
const DIGITS = /^\d{1,15}$/;

const enum Body {
  Length,
  Chunked,
  UntilClose,
}

const enum Chunk {
  Size,
  Data,
  DataEnd,
  Trailer,
}

/**
 * One connection's parser, reused response after response. `feed` returns the response its bytes complete
 * (leaving `trailing` set if bytes followed it), `end` the one the end of the connection completes.
 */
export class ResponseParser {
  /** Whether any byte of the current response has arrived. */
  started = false;
  /** Bytes arrived after the last complete response. */
  trailing = false;

  private head: Buffer | undefined;
  private inBody = false;
  private status = 0;
  private rawHeaders: string[] = [];
  private close = false;
  private mode = Body.Length;
  private remaining = 0;
  private chunks: Buffer[] = [];
  private received = 0;
  private chunkState = Chunk.Size;
  private line = '';

  feed(data: Buffer): HttpResponse | undefined {
    if (data.length === 0) return undefined;
    this.started = true;
    let rest: Buffer | undefined = data;
    while (!this.inBody) {
      rest = this.takeHead(rest);
      if (rest === undefined) return undefined;
      // A 1xx interim head with nothing after it yet: the final head comes in a later read.
      if (!this.inBody && rest.length === 0) return undefined;
    }
    const done = this.mode === Body.Chunked ? this.chunked(rest) : this.fixed(rest);
    return done ? this.complete() : undefined;
  }

  /** The connection ended: completes a body that runs to the end of the connection, else undefined. */
  end(): HttpResponse | undefined {
    return this.inBody && this.mode === Body.UntilClose ? this.complete() : undefined;
  }

  /** Accumulates the head; once whole, parses it and returns the bytes after it (else undefined). */
  private takeHead(data: Buffer): Buffer | undefined {
    const from = this.head ? Math.max(0, this.head.length - 3) : 0;
    const buf = this.head ? Buffer.concat([this.head, data]) : data;
    const at = buf.indexOf(CRLF2, from);
    if (at < 0) {
      if (buf.length > MAX_HEAD_BYTES) throw new HttpParseError('HPE_HEADER_OVERFLOW', 'Header overflow');
      this.head = buf;
      return undefined;
    }
    if (at > MAX_HEAD_BYTES) throw new HttpParseError('HPE_HEADER_OVERFLOW', 'Header overflow');
    this.head = undefined;
    this.parseHead(buf.toString('latin1', 0, at));
    return buf.subarray(at + 4);
  }

  private parseHead(text: string): void {
    let eol = text.indexOf('\r\n');
    if (eol < 0) eol = text.length;
    const m = STATUS_LINE.exec(text.slice(0, eol));
    if (!m) throw new HttpParseError('HPE_INVALID_CONSTANT', 'Expected HTTP/');
    const status = Number(m[2]);
    const raw: string[] = [];
    let length: string | undefined;
    let te: string | undefined;
    let connection = '';
    // [performance] Line by line with indexOf over the one head string: no array of lines, no regex with
    // lookarounds over the whole head (a response's head is most of its parse time).
    for (let at = eol + 2; at < text.length; at = eol + 2) {
      eol = text.indexOf('\r\n', at);
      if (eol < 0) eol = text.length;
      const colon = text.indexOf(':', at);
      const name = colon > at && colon < eol ? text.slice(at, colon) : '';
      // No name, a space before the colon, or an obsolete line fold (RFC 9112 §5.2: a client may reject it).
      if (!TOKEN.test(name)) throw new HttpParseError('HPE_INVALID_HEADER_TOKEN', 'Invalid header token');
      let from = colon + 1;
      let to = eol;
      while (from < to && isOws(text.charCodeAt(from))) from++;
      while (to > from && isOws(text.charCodeAt(to - 1))) to--;
      const value = text.slice(from, to);
      if (BAD_VALUE_CHAR.test(value)) throw new HttpParseError('HPE_INVALID_HEADER_TOKEN', 'Invalid header value char');
      raw.push(name, value);
      switch (name.length === 10 || name.length === 14 || name.length === 17 ? name.toLowerCase() : '') {
        case 'content-length':
          if (length !== undefined) throw new HttpParseError('HPE_UNEXPECTED_CONTENT_LENGTH', 'Duplicate Content-Length');
          if (!DIGITS.test(value)) throw new HttpParseError('HPE_INVALID_CONTENT_LENGTH', 'Invalid character in Content-Length');
          length = value;
          break;
        case 'transfer-encoding':
          te = te === undefined ? value : `${te}, ${value}`;
          break;
        case 'connection':
          connection += `,${value.toLowerCase()}`;
          break;
      }
    }
    if (status < 200) {
      if (status === 101) throw new HttpParseError('HPE_INVALID_CONSTANT', 'Unexpected 101 Switching Protocols');
      return; // interim: the final head follows
    }
    const tokens = connection === '' ? [] : connection.split(',').map((t) => t.trim());
    this.close = m[1] === '0' ? !tokens.includes('keep-alive') : tokens.includes('close');
    this.status = status;
    this.rawHeaders = raw;
    this.inBody = true;
    this.chunks = [];
    this.received = 0;
    if (status === 204 || status === 304) {
      this.mode = Body.Length;
      this.remaining = 0;
    } else if (te !== undefined) {
      if (length !== undefined) throw new HttpParseError('HPE_UNEXPECTED_CONTENT_LENGTH', 'Content-Length can\'t be present with Transfer-Encoding');
      // RFC 9112 §6.3: chunked must be the final coding; a response whose framing is unknown is refused.
      if (!/(?:^|,)\s*chunked\s*$/i.test(te)) throw new HttpParseError('HPE_INVALID_TRANSFER_ENCODING', 'Request has invalid `Transfer-Encoding`');
      this.mode = Body.Chunked;
      this.chunkState = Chunk.Size;
      this.line = '';
    } else if (length !== undefined) {
      this.mode = Body.Length;
      this.remaining = Number(length);
    } else {
      this.mode = Body.UntilClose;
      this.close = true;
    }
  }

  /** A Content-Length or until-close body: true once complete. */
  private fixed(data: Buffer): boolean {
    if (this.mode === Body.UntilClose) {
      if (data.length > 0) this.keep(data);
      return false;
    }
    if (data.length <= this.remaining) {
      if (data.length > 0) this.keep(data);
      this.remaining -= data.length;
      return this.remaining === 0;
    }
    if (this.remaining > 0) this.keep(data.subarray(0, this.remaining));
    this.remaining = 0;
    this.trailing = true;
    return true;
  }

  /** A chunked body (RFC 9112 §7.1): true once the last chunk and the trailer section are in. */
  private chunked(data: Buffer): boolean {
    let i = 0;
    while (i < data.length) {
      switch (this.chunkState) {
        case Chunk.Data: {
          const n = Math.min(this.remaining, data.length - i);
          this.keep(data.subarray(i, i + n));
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.chunkState = Chunk.DataEnd;
          break;
        }
        case Chunk.DataEnd: {
          // CRLF after the chunk's data, byte by byte: it may be split across reads.
          const expected = this.line === '' ? 13 : 10;
          if (data[i++] !== expected) throw new HttpParseError('HPE_STRICT', 'Expected CRLF after chunk');
          if (expected === 13) this.line = '\r';
          else {
            this.line = '';
            this.chunkState = Chunk.Size;
          }
          break;
        }
        default: {
          // A size line or a trailer line: collected up to its LF.
          const lf = data.indexOf(10, i);
          const end = lf < 0 ? data.length : lf + 1;
          this.line += data.toString('latin1', i, end);
          i = end;
          if (this.line.length > MAX_CHUNK_LINE) throw new HttpParseError('HPE_HEADER_OVERFLOW', 'Chunk header overflow');
          if (lf < 0) break;
          if (!this.line.endsWith('\r\n')) throw new HttpParseError('HPE_STRICT', 'Expected CRLF');
          const line = this.line.slice(0, -2);
          this.line = '';
          if (this.chunkState === Chunk.Trailer) {
            if (line === '') {
              if (i < data.length) this.trailing = true;
              return true;
            }
            continue;
          }
          const size = /^([0-9a-fA-F]{1,12})[ \t]*(?:;[^]*)?$/.exec(line);
          if (!size) throw new HttpParseError('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size');
          this.remaining = parseInt(size[1], 16);
          this.chunkState = this.remaining === 0 ? Chunk.Trailer : Chunk.Data;
        }
      }
    }
    return false;
  }

  private keep(data: Buffer): void {
    this.chunks.push(data);
    this.received += data.length;
  }

  private complete(): HttpResponse {
    const chunks = this.chunks;
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.received);
    const response = { status: this.status, rawHeaders: this.rawHeaders, body, close: this.close };
    this.chunks = [];
    this.rawHeaders = [];
    this.inBody = false;
    this.started = false;
    return response;
  }
}

/** Optional whitespace around a field value (RFC 9110 §5.6.3): space or tab. */
function isOws(c: number): boolean {
  return c === 32 || c === 9;
}
