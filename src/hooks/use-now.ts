// One shared ticking clock: every countdown and "3 min ago" on the page re-renders from the
// same interval, instead of each row running its own timer.
import { useSyncExternalStore } from 'react';

const TICK_MS = 1_000;
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function tick() {
  now = Date.now();
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    timer = setInterval(tick, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

function getSnapshot(): number {
  // While nobody listens the clock is stopped; catch up before the first reader sees it.
  // The snapshot stays stable between ticks, as useSyncExternalStore requires.
  if (timer === undefined && Date.now() - now >= TICK_MS) now = Date.now();
  return now;
}

/** The current time in milliseconds, updated once a second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getSnapshot);
}
