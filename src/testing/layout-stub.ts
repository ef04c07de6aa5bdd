// jsdom lays nothing out: every element is 0 px tall, so a virtualized list would render no
// rows at all. This gives scroll containers a height and rows a size, enough for TanStack
// Virtual to render the rows a test needs (real layout is checked end to end in Chromium).
const STUBS: Array<[keyof HTMLElement, number]> = [
  ['clientHeight', 800],
  ['clientWidth', 1280],
  ['offsetHeight', 60],
  ['offsetWidth', 1280],
];

export function installLayoutStub(): () => void {
  const originals = STUBS.map(([name]) => [name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name)] as const);
  for (const [name, value] of STUBS) {
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
  }
  return () => {
    for (const [name, descriptor] of originals) {
      // jsdom defines these on HTMLElement.prototype; put back exactly what was there.
      if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
      else Reflect.deleteProperty(HTMLElement.prototype, name);
    }
  };
}
