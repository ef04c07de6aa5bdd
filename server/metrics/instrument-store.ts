// The store as the console uses it, timed: every method's duration goes to the store-query
// histogram (by method name), and every cancel's one write (recordCancelOutcome) is counted by
// outcome and source as it is written, whoever asked for the cancel. A Proxy, so methods added to
// UploadStore later are timed too without a line here.
import type { CancelWritten, UploadStore } from '#server/store/upload-store.ts';
import type { ConsoleMetrics } from './console-metrics.ts';

type AnyMethod = (...args: unknown[]) => unknown;

export function instrumentStore(store: UploadStore, metrics: Pick<ConsoleMetrics, 'storeMethod' | 'cancelRecorded'>): UploadStore {
  const wrapped = new Map<string, AnyMethod>();

  function wrap(method: string, original: AnyMethod): AnyMethod {
    const histogram = metrics.storeMethod(method);
    const countCancel = method === 'recordCancelOutcome';
    return (...args: unknown[]) => {
      const started = performance.now();
      const observe = () => histogram.observe((performance.now() - started) / 1000);
      let result: unknown;
      try {
        // The real store is `this`: its private fields are not on the Proxy.
        result = Reflect.apply(original, store, args);
      } catch (error) {
        observe();
        throw error;
      }
      if (!(result instanceof Promise)) {
        observe();
        return result;
      }
      return result.then(
        (value: unknown) => {
          observe();
          const written = countCancel ? (value as CancelWritten | null) : null;
          if (written) metrics.cancelRecorded(written.audit.outcome, written.audit.source);
          return value;
        },
        (error: unknown) => {
          observe();
          throw error;
        },
      );
    };
  }

  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof property !== 'string' || typeof value !== 'function' || property === 'constructor') return value;
      let method = wrapped.get(property);
      if (method === undefined) {
        method = wrap(property, value as AnyMethod);
        wrapped.set(property, method);
      }
      return method;
    },
  });
}
