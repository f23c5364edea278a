/**
 * The one abortable wait (internal): the device login's polling interval and a call's
 * retry wait both end early, with the signal's reason, when the caller cancels.
 *
 * @module
 */

/** Resolves after `ms` milliseconds, or rejects with `signal.reason` as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
