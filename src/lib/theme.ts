// The colour scheme: the operator's choice (system, light or dark), kept in localStorage, and the
// scheme it resolves to, written to <html data-theme> where the CSS reads it (src/index.css).
// public/theme-init.js applies the saved choice before the first paint with the same key and the
// same rule; from then on this module keeps the attribute current: the toggle, the system
// setting changing while the page is open, and a choice made in another tab.
import { useSyncExternalStore } from 'react';

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type Theme = 'light' | 'dark';

/** Also read by public/theme-init.js. */
export const THEME_STORAGE_KEY = 'uploads-console:theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

function readChoice(): ThemeChoice {
  try {
    const saved = window.localStorage.getItem(THEME_STORAGE_KEY);
    return saved === 'light' || saved === 'dark' ? saved : 'system';
  } catch {
    return 'system'; // storage unavailable (privacy mode)
  }
}

function systemPrefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches;
}

export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): Theme {
  return choice === 'dark' || (choice === 'system' && prefersDark) ? 'dark' : 'light';
}

interface ThemeState {
  choice: ThemeChoice;
  theme: Theme;
}

let state: ThemeState | undefined;
const listeners = new Set<() => void>();

function current(): ThemeState {
  if (!state) {
    const choice = readChoice();
    state = { choice, theme: resolveTheme(choice, systemPrefersDark()) };
  }
  return state;
}

function refresh(choice: ThemeChoice = readChoice()): void {
  const theme = resolveTheme(choice, systemPrefersDark());
  document.documentElement.dataset.theme = theme;
  if (state?.choice === choice && state.theme === theme) return;
  state = { choice, theme };
  for (const listener of listeners) listener();
}

const onStorage = (event: StorageEvent) => {
  if (event.key === THEME_STORAGE_KEY || event.key === null) refresh();
};
const onSystemChange = () => refresh();

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) {
    refresh(); // nobody listened since the last change: catch up (React re-reads the snapshot after subscribing)
    window.addEventListener('storage', onStorage);
    if (typeof window.matchMedia === 'function') window.matchMedia(DARK_QUERY).addEventListener('change', onSystemChange);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.removeEventListener('storage', onStorage);
      if (typeof window.matchMedia === 'function') window.matchMedia(DARK_QUERY).removeEventListener('change', onSystemChange);
    }
  };
}

/** Saves the choice (system forgets it) and applies it at once. */
export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') window.localStorage.removeItem(THEME_STORAGE_KEY);
    else window.localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // not saved; it still applies to this page
  }
  refresh(choice);
}

export function useTheme(): ThemeState {
  return useSyncExternalStore(subscribe, current);
}
