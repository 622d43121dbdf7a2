import { StringDecoder } from 'node:string_decoder';

/** Thrown by LineDecoder when a line grows past the limit before its newline arrives. */
export class LineTooLongError extends Error {
  constructor(readonly maxBytes: number) {
    super(`a line is longer than ${maxBytes} bytes`);
    this.name = 'LineTooLongError';
  }
}

/**
 * Splits a byte stream into newline-terminated UTF-8 lines of at most `maxBytes` bytes each.
 * A longer line is rejected as soon as it exceeds the limit, without buffering the rest of it.
 */
export class LineDecoder {
  private readonly text = new StringDecoder('utf8');
  private pending = '';
  private pendingBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Returns the lines that `chunk` completes, without their line ends; empty lines are skipped. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let index = chunk.indexOf(0x0a); index !== -1; index = chunk.indexOf(0x0a, start)) {
      this.append(chunk.subarray(start, index));
      const line = (this.pending + this.text.end()).replace(/\r$/, '');
      this.pending = '';
      this.pendingBytes = 0;
      if (line.trim() !== '') {
        lines.push(line);
      }
      start = index + 1;
    }
    this.append(chunk.subarray(start));
    return lines;
  }

  private append(bytes: Buffer): void {
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > this.maxBytes) {
      throw new LineTooLongError(this.maxBytes);
    }
    this.pending += this.text.write(bytes);
  }
}

/** Serializes one message as a line. JSON.stringify escapes every newline inside strings. */
export function encodeLine(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}
