// unitctl's stdout and stderr: text goes straight to the descriptor with fs.writeSync, so a short
// answer needs no stream (a piped process.stdout is a net.Socket, ~1 ms to set up) and is out
// before the process exits. What the stream did is kept: EPIPE (the reader left) drops the rest
// silently; EAGAIN (a non-blocking descriptor whose buffer is full) hands this text and all later
// text to process.stdout/stderr, which queue it in order until the reader catches up.
import { writeSync } from 'node:fs';

export interface FdWriter {
  write(text: string): void;
  /** Resolves once everything written has left the process (at once unless a stream took over). */
  flushed(): Promise<void>;
}

export function fdWriter(fd: 1 | 2): FdWriter {
  let stream: NodeJS.WriteStream | null = null;
  let gone = false;
  const toStream = (rest: Buffer): void => {
    stream = fd === 1 ? process.stdout : process.stderr;
    stream.on('error', (err: NodeJS.ErrnoException) => { if (err.code !== 'EPIPE') throw err; });
    stream.write(rest);
  };
  return {
    write(text) {
      if (gone) return;
      if (stream) { stream.write(text); return; }
      const bytes = Buffer.from(text);
      let done = 0;
      try {
        while (done < bytes.length) done += writeSync(fd, bytes, done);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') gone = true;
        else if (code === 'EAGAIN') toStream(bytes.subarray(done));
        else throw err;
      }
    },
    flushed: () => new Promise((resolve) => { if (stream) stream.write('', () => resolve()); else resolve(); }),
  };
}
