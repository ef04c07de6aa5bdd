/** Joins class names, skipping the falsy ones conditional styling produces. */
export function cn(...classes: Array<string | false | null | undefined>): string {
  return classes.filter(Boolean).join(' ');
}
