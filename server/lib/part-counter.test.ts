import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import busboy from 'busboy';
import { describe, expect, it } from 'vitest';
import { MalformedPartError, MAX_HEADER_BYTES, maxPartBodyBytes, MultipartDataCounter, multipartBoundary, PartCounter, PartTooLargeError } from './part-counter.ts';

const BOUNDARY = '----uc-test-7MA4YWxkTrZu0gW';

interface FormPart {
  name: string;
  filename?: string;
  body: Buffer;
}

function multipart(parts: FormPart[], boundary = BOUNDARY, preamble = ''): Buffer {
  const chunks: Buffer[] = [Buffer.from(preamble)];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.filename ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`), part.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** What busboy, the parser the emulator uses, counts as the `data` field's bytes. */
async function busboyDataBytes(body: Buffer, contentType: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    let n = 0;
    const parser = busboy({ headers: { 'content-type': contentType } });
    parser.on('file', (name, stream) => stream.on('data', (chunk: Buffer) => (name === 'data' ? (n += chunk.length) : 0)));
    parser.on('field', (name, value) => (name === 'data' ? (n += Buffer.byteLength(value)) : 0));
    parser.on('close', () => resolve(n));
    parser.on('error', reject);
    parser.end(body);
  });
}

/** Feeds the body in chunks of the given sizes (cycling), as a socket might deliver it. */
function countInChunks(body: Buffer, sizes: number[], boundary = BOUNDARY): number {
  const counter = new MultipartDataCounter(boundary);
  let n = 0;
  for (let offset = 0, i = 0; offset < body.length; i++) {
    const size = sizes[i % sizes.length]!;
    n += counter.write(body.subarray(offset, offset + size));
    offset += size;
  }
  return n;
}

describe('MultipartDataCounter', () => {
  // The delimiter split at every position, bodies full of CR LF and dashes that almost look like it.
  const tricky = Buffer.from(`ab\r\n--${BOUNDARY.slice(0, 10)}\r\n\r\n--\r\n-${BOUNDARY}x`.repeat(3));
  const bodies: [string, FormPart[], string?][] = [
    ['one file part', [{ name: 'data', filename: 'part', body: randomBytes(100_000) }]],
    ['a body that nearly contains the boundary', [{ name: 'data', filename: 'part', body: tricky }]],
    ['an empty data part', [{ name: 'data', filename: 'part', body: Buffer.alloc(0) }]],
    ['other fields around it', [{ name: 'purpose', body: Buffer.from('batch') }, { name: 'data', filename: 'p.bin', body: randomBytes(5000) }, { name: 'note', filename: 'n', body: randomBytes(300) }]],
    ['data as a plain field', [{ name: 'data', body: Buffer.from('hello, world') }]],
    ['a preamble before the first boundary', [{ name: 'data', filename: 'part', body: randomBytes(777) }], 'ignored preamble\r\n'],
    ['no data part', [{ name: 'file', filename: 'part', body: randomBytes(1000) }]],
  ];
  it.each(bodies)('counts what busboy counts: %s, whatever the chunking', async (_name, parts, preamble) => {
    const body = multipart(parts, BOUNDARY, preamble ?? '');
    const expected = await busboyDataBytes(body, `multipart/form-data; boundary=${BOUNDARY}`);
    expect(expected).toBe(parts.filter((p) => p.name === 'data').reduce((n, p) => n + p.body.length, 0));
    for (const sizes of [[body.length], [1], [2, 3], [7, 1, 64], [BOUNDARY.length + 3], [65_536], [13, 4096, 1]]) {
      expect(countInChunks(body, sizes), `chunks of ${sizes.join(',')}`).toBe(expected);
    }
  });

  it('stops counting at the closing boundary', () => {
    const body = Buffer.concat([multipart([{ name: 'data', filename: 'p', body: Buffer.from('12345') }]), Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="data"\r\n\r\nmore\r\n`)]);
    expect(countInChunks(body, [5])).toBe(5);
  });

  // Read quietly past, these would switch the count off: a chunked body could then stream on without limit.
  const bloated: [string, Buffer][] = [
    ['a part header block that never ends', Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="junk"; filename="${'j'.repeat(MAX_HEADER_BYTES + 10)}`)],
    ['a part header block of many lines', Buffer.from(`--${BOUNDARY}\r\n${'X-Pad: padding padding padding\r\n'.repeat(600)}\r\n`)],
    ['a line after a boundary without CRLF', Buffer.from(`--${BOUNDARY}${' '.repeat(MAX_HEADER_BYTES + 10)}`)],
  ];
  it.each(bloated)('refuses %s with MalformedPartError, whatever the chunking', (_name, head) => {
    const body = Buffer.concat([head, randomBytes(100_000)]);
    for (const size of [body.length, 1000, 7]) {
      const counter = new MultipartDataCounter(BOUNDARY);
      let error: unknown;
      try {
        for (let offset = 0; offset < body.length; offset += size) counter.write(body.subarray(offset, offset + size));
      } catch (thrown) {
        error = thrown;
      }
      expect(error, `chunks of ${size}`).toBeInstanceOf(MalformedPartError);
      expect((error as Error).message).toMatch(/^Could not parse the multipart\/form-data body: .* longer than 16384 bytes\.$/);
    }
  });

  it('reads a part header block just under the limit', async () => {
    const filename = 'f'.repeat(MAX_HEADER_BYTES - 200);
    const body = multipart([{ name: 'data', filename, body: randomBytes(3000) }]);
    expect(await busboyDataBytes(body, `multipart/form-data; boundary=${BOUNDARY}`)).toBe(3000);
    expect(countInChunks(body, [4096])).toBe(3000);
  });

  it('reads the boundary from the content type, quoted or not, and nothing from other types', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('application/json')).toBeNull();
    expect(multipartBoundary('multipart/form-data')).toBeNull();
  });
});

describe('PartCounter', () => {
  it('passes the body on byte for byte while counting the data field', async () => {
    const body = multipart([{ name: 'data', filename: 'part', body: randomBytes(3 * 1024 * 1024 + 17) }]);
    const counter = new PartCounter(`multipart/form-data; boundary=${BOUNDARY}`, 64 * 1024 * 1024);
    const out = await buffer(Readable.from(chunksOf(body, 65_536)).pipe(counter));
    expect(out.equals(body)).toBe(true);
    expect(counter.dataBytes).toBe(3 * 1024 * 1024 + 17);
  });

  it('fails with PartTooLargeError one byte past the limit', async () => {
    const body = multipart([{ name: 'data', filename: 'part', body: randomBytes(1001) }]);
    const counter = new PartCounter(`multipart/form-data; boundary=${BOUNDARY}`, 1000);
    await expect(buffer(Readable.from(chunksOf(body, 100)).pipe(counter))).rejects.toBeInstanceOf(PartTooLargeError);
  });

  it('refuses a content type that is not multipart/form-data with a boundary, in the words OpenAI uses', () => {
    expect(() => new PartCounter('application/octet-stream', 10)).toThrow(new MalformedPartError('Invalid Content-Type header (application/octet-stream), expected multipart/form-data.'));
    expect(() => new PartCounter('', 10)).toThrow(new MalformedPartError('Invalid Content-Type header (none), expected multipart/form-data.'));
    expect(() => new PartCounter('multipart/form-data', 10)).toThrow(MalformedPartError);
    expect(() => new PartCounter('multipart/form-data; boundary=""', 10)).toThrow(/names no boundary/);
  });

  it('fails the stream on a bloated part header, and passes on nothing past it', async () => {
    const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="data"; filename="${'x'.repeat(MAX_HEADER_BYTES)}"\r\n\r\n`);
    const body = Buffer.concat([head, randomBytes(1024 * 1024)]);
    const counter = new PartCounter(`multipart/form-data; boundary=${BOUNDARY}`, 64 * 1024 * 1024);
    let passedOn = 0;
    counter.on('data', (chunk: Buffer) => (passedOn += chunk.length));
    const done = new Promise((resolve, reject) => counter.on('end', resolve).on('error', reject));
    Readable.from(chunksOf(body, 1024)).pipe(counter);
    await expect(done).rejects.toBeInstanceOf(MalformedPartError);
    expect(passedOn).toBeLessThanOrEqual(MAX_HEADER_BYTES + 1024);
  });

  // Bytes outside the data field are not counted as the part, but they still stream on: the whole body has the bound a declared length has.
  const beyondTheData: [string, Buffer][] = [
    ['another field', multipart([{ name: 'junk', filename: 'j', body: Buffer.alloc(maxPartBodyBytes(1000) + 1) }, { name: 'data', filename: 'd', body: Buffer.from('ok') }])],
    ['a preamble', multipart([{ name: 'data', filename: 'd', body: Buffer.from('ok') }], BOUNDARY, 'p'.repeat(maxPartBodyBytes(1000)))],
    ['an epilogue', Buffer.concat([multipart([{ name: 'data', filename: 'd', body: Buffer.from('ok') }]), Buffer.alloc(maxPartBodyBytes(1000))])],
  ];
  it.each(beyondTheData)('fails with PartTooLargeError when %s takes the body past the limit and its overhead', async (_name, body) => {
    const counter = new PartCounter(`multipart/form-data; boundary=${BOUNDARY}`, 1000);
    await expect(buffer(Readable.from(chunksOf(body, 4096)).pipe(counter))).rejects.toBeInstanceOf(PartTooLargeError);
    expect(counter.dataBytes).toBeLessThanOrEqual(2);
  });

  it('passes a full-size part with a few small fields around it', async () => {
    const body = multipart([{ name: 'purpose', body: Buffer.from('batch') }, { name: 'data', filename: 'd', body: randomBytes(1000) }]);
    const counter = new PartCounter(`multipart/form-data; boundary=${BOUNDARY}`, 1000);
    expect((await buffer(Readable.from(chunksOf(body, 100)).pipe(counter))).equals(body)).toBe(true);
    expect(counter.dataBytes).toBe(1000);
  });
});

function* chunksOf(body: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < body.length; offset += size) yield body.subarray(offset, offset + size);
}
