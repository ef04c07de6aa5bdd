import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { toast, Toaster } from './toaster.tsx';

describe('toasts loaded after the first screen', () => {
  it('shows a toast asked for before the Toaster was there, once it is', async () => {
    toast.success('Cancelled training.jsonl');
    render(<Toaster />);
    expect(await screen.findByText('Cancelled training.jsonl')).toBeTruthy();
  });

  it('keeps the order of calls: a dismissal right after a toast removes it', async () => {
    render(<Toaster />);
    toast('Cancelling training.jsonl…', { id: 'cancel-upload_a' });
    toast.dismiss('cancel-upload_a');
    toast.info('Too late to undo');
    expect(await screen.findByText('Too late to undo')).toBeTruthy();
    await waitFor(() => expect(screen.queryByText('Cancelling training.jsonl…')).toBeNull());
  });
});
