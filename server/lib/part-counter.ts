// Counts the bytes of a multipart part's `data` field while the raw body streams on, untouched,
// to the upstream. Nothing is buffered whole: busboy sees each chunk once and drops it.
import { PassThrough, type TransformCallback } from 'node:stream';
import busboy from 'busboy';

export class PartTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The part is larger than ${limit} bytes.`);
  }
}

export class PartCounter extends PassThrough {
  /** Bytes of the `data` field seen so far. */
  dataBytes = 0;
  private readonly parser: busboy.Busboy | null;

  constructor(contentType: string, readonly limit: number) {
    super();
    this.parser = createParser(contentType, limit, (n) => {
      this.dataBytes += n;
      if (this.dataBytes > limit) this.destroy(new PartTooLargeError(limit));
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.parser?.write(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.parser?.end();
    callback();
  }
}

function createParser(contentType: string, limit: number, onData: (n: number) => void): busboy.Busboy | null {
  let parser: busboy.Busboy;
  try {
    // One byte over the limit is enough to know it is too large.
    parser = busboy({ headers: { 'content-type': contentType }, limits: { fileSize: limit + 1, fieldSize: limit + 1 } });
  } catch {
    return null; // not multipart: the upstream will say what is wrong with it
  }
  parser.on('file', (name, stream) => {
    if (name === 'data') stream.on('data', (chunk: Buffer) => onData(chunk.length));
    else stream.resume();
  });
  parser.on('field', (name, value) => {
    if (name === 'data') onData(Buffer.byteLength(value));
  });
  // A malformed body is the upstream's to reject; counting simply stops.
  parser.on('error', () => {});
  return parser;
}
