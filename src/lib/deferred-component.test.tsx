import { act, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { deferred } from './deferred-component.tsx';

/** A chunk whose arrival the test decides. */
function chunk() {
  let arrive!: () => void;
  let fail!: () => void;
  let calls = 0;
  const load = () => {
    calls += 1;
    return new Promise<(props: { name: string }) => React.ReactNode>((resolve, reject) => {
      arrive = () => resolve(({ name }) => <p>Hello {name}</p>);
      fail = () => reject(new Error('chunk failed'));
    });
  };
  return { load, arrive: () => arrive(), fail: () => fail(), calls: () => calls };
}

describe('deferred', () => {
  it('shows the fallback, fetches the code once mounted, then renders the part with its props', async () => {
    const code = chunk();
    const Part = deferred(code.load);
    render(<Part name="Ada" fallback={<p>Not yet</p>} />);
    expect(screen.getByText('Not yet')).toBeTruthy();
    expect(code.calls()).toBe(1);

    await act(async () => code.arrive());
    expect(screen.getByText('Hello Ada')).toBeTruthy();
    expect(screen.queryByText('Not yet')).toBeNull();
  });

  it('renders a part mounted after its code arrived in that same render, without the fallback', async () => {
    const code = chunk();
    const Part = deferred(code.load);
    const preloaded = Part.preload();
    code.arrive();
    await preloaded;

    function Page() {
      const [open, setOpen] = useState(false);
      return (
        <>
          <button onClick={() => setOpen(true)}>Open</button>
          {open && <Part name="Grace" fallback={<p>Not yet</p>} />}
        </>
      );
    }
    render(<Page />);
    act(() => screen.getByRole('button', { name: 'Open' }).click());
    // Synchronously after the click: no frame with the fallback.
    expect(screen.getByText('Hello Grace')).toBeTruthy();
    expect(code.calls()).toBe(1);
  });

  it('keeps the fallback when the code cannot be fetched, and tries again on the next preload', async () => {
    const code = chunk();
    const Part = deferred(code.load);
    render(<Part name="Edsger" fallback={<p>Not yet</p>} />);
    await act(async () => code.fail());
    expect(screen.getByText('Not yet')).toBeTruthy();

    const again = Part.preload();
    expect(code.calls()).toBe(2);
    await act(async () => {
      code.arrive();
      await again;
    });
    expect(screen.getByText('Hello Edsger')).toBeTruthy();
  });
});
