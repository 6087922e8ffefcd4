import { StoreUnavailableError } from '../errors.js';
import type { Store } from './store.js';

/*
 * Every store call gets a deadline. A Redis stopped by SIGSTOP keeps its TCP
 * connection open and simply never answers: without a deadline a booking
 * waited forever. Past the deadline the caller gets StoreUnavailableError
 * (503 STORE_UNAVAILABLE) at once.
 *
 * A deadline alone does not stop the command: it sits in the socket buffer
 * and runs when Redis wakes up. Reads and the conditional writes that are
 * safe to land late (job claims and outcomes are lease-guarded, a cancel is
 * idempotent, a patch is version-checked) may; the one write that must not,
 * a booking, is fenced inside Redis itself (see BOOK in redis-scripts.ts).
 */

/** Failures that mean "the store is not there", as opposed to a bug or a refused write. */
export function isStoreOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof StoreUnavailableError) return true;
  // ioredis: the retries per request ran out, or the connection is gone.
  if (error.name === 'MaxRetriesPerRequestError') return true;
  if (/^Connection is closed|Stream isn't writeable|connect ETIMEDOUT|LOADING |BUSY /.test(error.message)) {
    return true;
  }
  const code: unknown = Reflect.get(error, 'code');
  if (typeof code !== 'string') return false;
  // Sockets (Redis) and SQLite's I/O, lock and disk-full errors.
  return /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTCONN|SQLITE_BUSY|SQLITE_LOCKED|SQLITE_IOERR|SQLITE_FULL|SQLITE_READONLY|SQLITE_CANTOPEN)/.test(
    code,
  );
}

async function withDeadline<T>(promise: Promise<T>, ms: number, method: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreUnavailableError(`the data store did not answer ${method} within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } catch (error) {
    if (!(error instanceof StoreUnavailableError) && isStoreOutage(error)) {
      throw new StoreUnavailableError();
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The same store, each call bounded by `timeoutMs` and each outage error
 * turned into StoreUnavailableError. close() is left unbounded: shutting
 * down waits for the store to let go of its file or connection.
 */
export function withStoreDeadlines(store: Store, timeoutMs: number): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'close') {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      const method = String(property);
      return (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = Reflect.apply(value, target, args);
        } catch (error) {
          // Synchronous throws (a closed SQLite store) reach the caller as rejections, like Redis's.
          return Promise.reject(isStoreOutage(error) ? new StoreUnavailableError() : error);
        }
        return result instanceof Promise ? withDeadline(result, timeoutMs, method) : result;
      };
    },
  });
}
