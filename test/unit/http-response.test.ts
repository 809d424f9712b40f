/**
 * The wire transport's HTTP/1.1 response parser (src/client/wire/http-response.ts) on byte strings: every
 * framing fed whole and one byte at a time, and the malformed responses it must refuse with llhttp's codes.
 */
import { describe, expect, it } from 'vitest';
import { HttpParseError, ResponseParser, type HttpResponse } from '../../src/client/wire/http-response';

/** Feeds `text` (latin1) in pieces of `step` bytes; the response the last byte completes, and how it went. */
function parse(text: string | Buffer, step = Infinity, parser = new ResponseParser()): { response: HttpResponse | undefined; at: number; parser: ResponseParser } {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  for (let i = 0; i < bytes.length; i += Math.min(step, bytes.length)) {
    const response = parser.feed(bytes.subarray(i, Math.min(i + step, bytes.length)));
    if (response) return { response, at: Math.min(i + step, bytes.length), parser };
  }
  return { response: undefined, at: bytes.length, parser };
}

function code(text: string): string | undefined {
  try {
    parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(HttpParseError);
    return (err as HttpParseError).code;
  }
  return undefined;
}

const OK = 'HTTP/1.1 200 OK\r\nx-ots-requestid: r-1\r\nContent-Length: 5\r\n\r\nhello';
const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Ots-RequestId: r-2\r\n\r\n' +
  '3;name=value\r\nabc\r\n' +
  'A\r\n0123456789\r\n' +
  '1 \r\n!\r\n' +
  '0\r\nx-trailer: t\r\n\r\n';

describe('ResponseParser', () => {
  for (const step of [Infinity, 1, 2, 7]) {
    it(`reads a Content-Length response fed ${step === Infinity ? 'whole' : `${step} byte(s) at a time`}`, () => {
      const { response, at } = parse(OK, step);
      expect(at).toBe(OK.length);
      expect(response).toEqual({ status: 200, rawHeaders: ['x-ots-requestid', 'r-1', 'Content-Length', '5'], body: Buffer.from('hello'), close: false });
    });

    it(`reads a chunked body, extensions and trailers included, fed ${step === Infinity ? 'whole' : `${step} byte(s) at a time`}`, () => {
      const { response, at } = parse(CHUNKED, step);
      expect(at).toBe(CHUNKED.length);
      expect(response!.body.toString()).toBe('abc0123456789!');
      expect(response!.rawHeaders).toEqual(['Transfer-Encoding', 'chunked', 'X-Ots-RequestId', 'r-2']);
      expect(response!.close).toBe(false);
    });
  }

  it('reads binary bodies byte for byte, every byte value', () => {
    const body = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1');
    expect(parse(Buffer.concat([head, body]), 3).response!.body.equals(body)).toBe(true);
  });

  it('reads responses without a body: Content-Length 0, 204 and 304 (even with a length)', () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').response!.body.length).toBe(0);
    expect(parse('HTTP/1.1 204 No Content\r\n\r\n').response).toMatchObject({ status: 204, close: false });
    expect(parse('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n').response!.body.length).toBe(0);
  });

  it('reads one connection\'s responses one after another with the same parser', () => {
    const parser = new ResponseParser();
    expect(parse(OK, 4, parser).response!.body.toString()).toBe('hello');
    expect(parser.started).toBe(false);
    expect(parse(CHUNKED, 5, parser).response!.body.toString()).toBe('abc0123456789!');
    expect(parse(OK, Infinity, parser).response!.status).toBe(200);
    expect(parser.trailing).toBe(false);
  });

  it('a body without length or chunking runs to the end of the connection, which then closes', () => {
    const { response, parser } = parse('HTTP/1.1 200 OK\r\n\r\npart one, ');
    expect(response).toBeUndefined();
    expect(parser.feed(Buffer.from('part two'))).toBeUndefined();
    expect(parser.end()).toEqual({ status: 200, rawHeaders: [], body: Buffer.from('part one, part two'), close: true });
  });

  it('the end of the connection completes nothing else: a cut body or head is no response', () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhalf').parser.end()).toBeUndefined();
    expect(parse('HTTP/1.1 200 OK\r\nContent-Le').parser.end()).toBeUndefined();
    expect(parse(CHUNKED.slice(0, -3)).parser.end()).toBeUndefined();
  });

  it('started: set by the first byte of a response, so a cut response is told from a connection that never answered', () => {
    const parser = new ResponseParser();
    expect(parser.started).toBe(false);
    parser.feed(Buffer.from('H'));
    expect(parser.started).toBe(true);
  });

  it('Connection: close, and HTTP/1.0 without keep-alive, close the connection after the response', () => {
    expect(parse('HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n').response!.close).toBe(true);
    expect(parse('HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n').response!.close).toBe(true);
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').response!.close).toBe(true);
    expect(parse('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').response!.close).toBe(false);
  });

  it('skips 1xx interim responses, split anywhere, and reads the final one', () => {
    const text = `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n${OK}`;
    for (const step of [Infinity, 1, 26]) expect(parse(text, step).response).toMatchObject({ status: 200, body: Buffer.from('hello') });
  });

  it('marks bytes after a complete response (no pipelining: the connection cannot be trusted)', () => {
    expect(parse(`${OK}HTTP/1.1`).parser.trailing).toBe(true);
    expect(parse(`${CHUNKED}x`).parser.trailing).toBe(true);
    expect(parse(OK).parser.trailing).toBe(false);
  });

  it('takes header values with surrounding whitespace trimmed and obs-text kept', () => {
    const r = parse('HTTP/1.1 500 Internal Server Error\r\nx-ots-requestid:  \tr-9 \r\nX-Note: caf\xe9\r\nContent-Length: 0\r\n\r\n').response!;
    expect(r.status).toBe(500);
    expect(r.rawHeaders).toEqual(['x-ots-requestid', 'r-9', 'X-Note', 'caf\xe9', 'Content-Length', '0']);
  });

  it("refuses malformed responses with llhttp's error codes", () => {
    expect(code('HTTX/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')).toBe('HPE_INVALID_CONSTANT');
    expect(code('HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n')).toBe('HPE_INVALID_CONSTANT');
    expect(code('HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n')).toBe('HPE_INVALID_CONSTANT');
    expect(code('HTTP/1.1 101 Switching Protocols\r\n\r\n')).toBe('HPE_INVALID_CONSTANT');
    expect(code('HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n')).toBe('HPE_INVALID_CONTENT_LENGTH');
    expect(code('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n')).toBe('HPE_INVALID_CONTENT_LENGTH');
    expect(code('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx')).toBe('HPE_UNEXPECTED_CONTENT_LENGTH');
    expect(code('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n')).toBe('HPE_UNEXPECTED_CONTENT_LENGTH');
    expect(code('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n')).toBe('HPE_INVALID_TRANSFER_ENCODING');
    expect(code('HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n')).toBe('HPE_INVALID_HEADER_TOKEN');
    expect(code('HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n')).toBe('HPE_INVALID_HEADER_TOKEN');
    expect(code('HTTP/1.1 200 OK\r\nno-colon\r\nContent-Length: 0\r\n\r\n')).toBe('HPE_INVALID_HEADER_TOKEN');
    expect(code('HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n')).toBe('HPE_INVALID_HEADER_TOKEN');
    expect(code('HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 0\r\n\r\n')).toBe('HPE_INVALID_HEADER_TOKEN');
    expect(code('HTTP/1.1 200 OK\r\nX-A: a\nContent-Length: 0\r\n\r\n')).toBe('HPE_INVALID_HEADER_TOKEN');
    expect(code('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toBe('HPE_INVALID_CHUNK_SIZE');
    expect(code('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX')).toBe('HPE_STRICT');
    expect(code('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc')).toBe('HPE_STRICT');
    expect(code(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`)).toBe('HPE_HEADER_OVERFLOW');
    expect(code(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(17 * 1024)}`)).toBe('HPE_HEADER_OVERFLOW');
    // The well-formed ones above, for contrast: nothing thrown.
    expect(code(OK)).toBeUndefined();
    expect(code(CHUNKED)).toBeUndefined();
  });
});
