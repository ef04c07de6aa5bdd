import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { THEME_STORAGE_KEY } from '#src/lib/theme.ts';
import { ThemeToggle } from './theme-toggle.tsx';

/** A system colour scheme the test can change, as the operating system would. */
function stubSystem(dark: boolean) {
  const listeners = new Set<() => void>();
  const media = {
    get matches() {
      return dark;
    },
    addEventListener: (_: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
  };
  vi.stubGlobal('matchMedia', () => media);
  return (next: boolean) => {
    dark = next;
    for (const listener of listeners) listener();
  };
}

const theme = () => document.documentElement.dataset.theme;

afterEach(() => {
  localStorage.clear();
  vi.unstubAllGlobals();
});

describe('the theme toggle', () => {
  it('follows the system until a choice is made, and keeps the choice', () => {
    const setSystem = stubSystem(false);
    render(<ThemeToggle />);
    expect((screen.getByRole('radio', { name: 'System' }) as HTMLInputElement).checked).toBe(true);
    expect(theme()).toBe('light');
    act(() => setSystem(true));
    expect(theme()).toBe('dark');

    fireEvent.click(screen.getByRole('radio', { name: 'Light' }));
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
    expect(theme()).toBe('light');
    // A chosen scheme no longer follows the system.
    act(() => setSystem(false));
    act(() => setSystem(true));
    expect(theme()).toBe('light');

    fireEvent.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    expect(theme()).toBe('dark');

    // Back to the system: nothing is stored, and the system's scheme applies again.
    act(() => setSystem(false));
    fireEvent.click(screen.getByRole('radio', { name: 'System' }));
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBeNull();
    expect(theme()).toBe('light');
  });

  it('takes up a choice made in another tab', () => {
    stubSystem(false);
    render(<ThemeToggle />);
    localStorage.setItem(THEME_STORAGE_KEY, 'dark');
    act(() => {
      window.dispatchEvent(new StorageEvent('storage', { key: THEME_STORAGE_KEY, newValue: 'dark' }));
    });
    expect(theme()).toBe('dark');
    expect((screen.getByRole('radio', { name: 'Dark' }) as HTMLInputElement).checked).toBe(true);
  });
});
