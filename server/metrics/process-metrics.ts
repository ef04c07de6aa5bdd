// The process's own metrics (CPU, memory, file descriptors, event loop lag, GC), prom-client's
// defaults. They belong to the process, not to a console: collected once, on first use, into a
// registry of their own that every console's /metrics appends. (Collecting them per console would
// start an event-loop monitor and a GC observer per console that nothing ever stops.)
import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | null = null;

export function processMetrics(): Registry {
  if (registry === null) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
