// The output sinks a command writes to, so tests can capture them and the
// entry point owns the real streams.
//
// The real streams can break under a run: stdout piped into `head -1` that
// has exited (EPIPE), a terminal gone with a dropped SSH session (EIO). An
// 'error' event nobody listens to would crash cutover in the middle of a
// step, so a listener is attached once; after a stream's first error every
// write to it is dropped and never throws. The run goes on — the journal,
// not the terminal, is the record.
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

type StreamName = 'stdout' | 'stderr';

const broken: Record<StreamName, NodeJS.ErrnoException | undefined> = { stdout: undefined, stderr: undefined };
let guarded = false;

function streamOf(name: StreamName): NodeJS.WriteStream {
  return name === 'stdout' ? process.stdout : process.stderr;
}

/** Attaches the 'error' listeners to process.stdout and process.stderr (once; idempotent). */
export function guardOutputStreams(): void {
  if (guarded) return;
  guarded = true;
  for (const name of ['stdout', 'stderr'] as const) {
    streamOf(name).on('error', (error: NodeJS.ErrnoException) => {
      broken[name] ??= error;
    });
  }
}

function write(name: StreamName, text: string): void {
  guardOutputStreams();
  if (broken[name]) return;
  const stream = streamOf(name);
  if (stream.destroyed || stream.writableEnded) {
    broken[name] ??= Object.assign(new Error(`${name} is closed`), { code: 'ERR_STREAM_DESTROYED' });
    return;
  }
  try {
    stream.write(text.endsWith('\n') ? text : `${text}\n`);
  } catch (error) {
    broken[name] ??= error as NodeJS.ErrnoException;
  }
}

export const processIO: CliIO = {
  out: (text) => write('stdout', text),
  err: (text) => write('stderr', text),
};
