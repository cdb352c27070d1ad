/** Exponential back-off with jitter, in milliseconds. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** 0.2 = each delay is spread uniformly over ±20 %. */
  jitter: number;
}

/**
 * Delay before retry number `attempt` (1 = first retry): initial × 2^(attempt-1), capped, with
 * jitter. The jittered value never exceeds the cap by more than the jitter and is at least 1 ms.
 */
export function backoffDelay(p: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  const exp = Math.min(p.maxMs, p.initialMs * 2 ** Math.min(n - 1, 40));
  const spread = exp * p.jitter * (2 * random() - 1);
  return Math.max(1, Math.round(exp + spread));
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
