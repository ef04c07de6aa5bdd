import { useEffect, useRef } from 'react';

/** Keys typed into a field are text, not commands. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
  }
  return false;
}

/** Each handler answers whether it did something; only then is the key's default prevented. */
export interface ListShortcutHandlers {
  search: () => boolean;
  next: () => boolean;
  previous: () => boolean;
  toggleSelected: () => boolean;
  cancel: () => boolean;
  escape: () => boolean;
  help: () => boolean;
}

const KEYS: Record<string, keyof ListShortcutHandlers> = {
  '/': 'search',
  j: 'next',
  k: 'previous',
  x: 'toggleSelected',
  c: 'cancel',
  Escape: 'escape',
  '?': 'help',
};

/** Shortcuts of the uploads list, on the whole page, except while typing or in a dialog. */
export function useListShortcuts(handlers: ListShortcutHandlers): void {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      const name = KEYS[event.key];
      if (!name || isTypingTarget(event.target)) return;
      // A modal dialog owns the keyboard (and Escape closes it).
      if (document.querySelector('dialog[open]')) return;
      if (latest.current[name]()) event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
