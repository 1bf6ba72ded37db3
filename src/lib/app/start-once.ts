/**
 * Builds something once and shares it. A build that fails is reported to every caller
 * waiting on it, then forgotten, so the next call tries again: a server whose start-up
 * failed (a data folder not yet mounted, say) recovers without a restart.
 */
export function startOnce<T>(build: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= build().catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}
