/**
 * Where the CLI writes and what it reads of its environment. The real
 * process in bin/merge-summary.js; captured streams in tests, which run the
 * whole CLI in-process.
 */
export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
}

export interface OutputStream {
  write(data: string | Uint8Array): void;
  /** A terminal: colour, and its width for tables. */
  isTTY?: boolean;
  columns?: number;
}

/** Exit statuses: what CI scripts branch on. */
export const EXIT = { ok: 0, failed: 1, error: 2 } as const;

/**
 * The real process's streams. A write error on standard output is reported
 * when it happens (writes are asynchronous): a closed pipe
 * (`merge-summary model.yaml | head`) is no error and ends quietly; any
 * other (`> /dev/full`) is exit 2 with a message, never exit 1, which CI
 * reads as "over budget".
 */
export function processIo(): Io {
  const failed = (name: string, stream: NodeJS.WriteStream) => (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    if (stream !== process.stderr) {
      try {
        process.stderr.write(`merge-summary: cannot write to ${name}: ${error.message}\n`);
      } catch {
        // Nowhere left to say it; the exit status still does.
      }
    }
    process.exit(EXIT.error);
  };
  const output = (name: string, stream: NodeJS.WriteStream): OutputStream => {
    const onError = failed(name, stream);
    stream.on('error', onError);
    return {
      // Writes to a file are synchronous and throw; writes to a pipe fail later, through the 'error' event.
      write: (data) => {
        try {
          stream.write(data);
        } catch (error) {
          onError(error as NodeJS.ErrnoException);
        }
      },
      isTTY: stream.isTTY,
      columns: stream.columns,
    };
  };
  return { stdout: output('standard output', process.stdout), stderr: output('standard error', process.stderr), env: process.env };
}

/** Streams that keep what is written: for running the CLI in-process. */
export function capturingIo(env: Record<string, string | undefined> = {}, options: { isTTY?: boolean; columns?: number } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const text = (data: string | Uint8Array) => (typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
  const io: Io = {
    stdout: { write: (data) => void out.push(text(data)), isTTY: options.isTTY, columns: options.columns },
    stderr: { write: (data) => void err.push(text(data)) },
    env,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
