// What the CLI prints, written straight to file descriptors 1 and 2.
//
// Why not process.stdout: Node builds that stream on first use (the net or tty module, a socket
// over the pipe), about 3 ms of every run of a command that prints one report. A synchronous
// write to the descriptor is what process.stdout does for files and pipes on Linux anyway. If the
// descriptor is non-blocking (shared with a parent that made it so) and full, the rest goes through
// the stream, which waits for it. A reader that went away (`| head`) gets nothing more, and the run
// still ends with its own exit code (`update --check | head` under pipefail still fails a stale kit).
import { writeSync } from "node:fs";

const viaStream = { 1: false, 2: false };
const closed = { 1: false, 2: false };

function write(fd: 1 | 2, text: string | Uint8Array): void {
  if (closed[fd]) return;
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  if (viaStream[fd]) {
    stream().write(text);
    return;
  }
  const bytes = typeof text === "string" ? Buffer.from(text) : text;
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(fd, bytes, done);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EPIPE") {
      closed[fd] = true;
      return;
    }
    if (code !== "EAGAIN") throw e;
    viaStream[fd] = true;
    stream().on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") closed[fd] = true;
      else throw err;
    });
    stream().write(bytes.subarray(done));
  }
}

/** Text, or bytes as they are (the update memo's recorded report). */
export const writeOut = (text: string | Uint8Array): void => write(1, text);
export const writeErr = (text: string): void => write(2, text);

/** The line a run ends with when the CLI itself fails (exit 70): a bug to report, with its stack. */
export const unexpectedFailure = (e: unknown): string => `create-prod-kit failed unexpectedly: ${(e as Error).stack ?? String(e)}`;
