import { Button, type ButtonProps } from '#src/components/ui/button.tsx';
import { BanIcon } from '#src/components/ui/icons.tsx';

/** The button that opens the "Cancel by id" dialog: drawn by the dialog's code, and in its place until that has arrived. */
export function CancelByIdButton(props: Omit<ButtonProps, 'children'>) {
  return (
    <Button aria-haspopup="dialog" {...props}>
      <BanIcon className="size-3.5 text-slate-500" />
      Cancel by id
    </Button>
  );
}
