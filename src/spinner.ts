// A spinner for a step that takes time (staging and syncing every file of the kit to disk), shown
// only on a terminal, and only once the step has lasted SHOW_AFTER_MS, so a fast run prints nothing
// extra. Piped output, CI logs and TERM=dumb never see it: they get no escape codes at all.
//
// Not @clack/prompts' spinner: it puts the terminal in raw mode and answers Ctrl-C with
// process.exit(0), which would skip the writer's own handling (nothing replaced, exit 130). This
// one only writes to stdout, so Ctrl-C stays a SIGINT for the writer. It animates whenever the
// event loop turns: while the files sync, and between slices of staging on a slow disk.

const FRAMES = ["◒", "◐", "◓", "◑"];
const SHOW_AFTER_MS = 150;
const FRAME_MS = 80;

/** Whether stdout is a terminal that can redraw a line (and this is not a CI log). */
export function canSpin(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.TERM !== "dumb" && !env.CI;
}

export async function withSpinner<T>(message: string, step: () => Promise<T>): Promise<T> {
  // process.stdout is built on first use, which costs a fast run more than its step: look at it
  // only once the step has lasted SHOW_AFTER_MS.
  let out: NodeJS.WriteStream | undefined;
  let frame = 0;
  let ticker: NodeJS.Timeout | undefined;
  const draw = () => out!.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]}  ${message}`);
  const delay = setTimeout(() => {
    if (!canSpin()) return;
    out = process.stdout;
    draw();
    ticker = setInterval(draw, FRAME_MS);
  }, SHOW_AFTER_MS);
  try {
    return await step();
  } finally {
    clearTimeout(delay);
    clearInterval(ticker);
    out?.write("\r\x1b[2K");
  }
}
