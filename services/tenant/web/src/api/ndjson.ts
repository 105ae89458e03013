/**
 * Splits NDJSON text that arrives in pieces into parsed values, one per
 * complete line. A line cut off at the end of a piece waits for the next.
 */
export class NdjsonDecoder<T> {
  private pending = '';

  /** Adds newly received text and returns the values of the lines it completed. */
  push(text: string): T[] {
    this.pending += text;
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    return parseLines<T>(lines);
  }

  /** Returns the value of a last line that had no trailing newline. */
  flush(): T[] {
    const rest = this.pending;
    this.pending = '';
    return parseLines<T>([rest]);
  }
}

function parseLines<T>(lines: string[]): T[] {
  return lines.map((line) => line.trim()).filter((line) => line !== '').map((line) => JSON.parse(line) as T);
}
