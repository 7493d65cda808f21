/**
 * A job of the running server (the notification sweep, the scheduled reports): run on the next turn of the event loop
 * and then every `intervalMs`, on timers that do not keep the process alive.
 */
export function repeatInBackground(job: () => void, intervalMs: number): { stop: () => void } {
  const first = setTimeout(job, 0);
  const timer = setInterval(job, intervalMs);
  first.unref();
  timer.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
