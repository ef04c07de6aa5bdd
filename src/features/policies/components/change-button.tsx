import type { ReactNode } from 'react';
import { Button, type ButtonProps } from '#src/components/ui/button.tsx';
import { Tooltip } from '#src/components/ui/tooltip.tsx';
import { READ_ONLY_REASON, useOperatorAccess } from '#src/lib/operator-access.tsx';

/** A button that changes policies: for a read-only operator it stays visible, does nothing, and says why. */
export function ChangeButton({ children, onClick, ...props }: ButtonProps & { children: ReactNode }) {
  const { readOnly } = useOperatorAccess();
  if (!readOnly) {
    return (
      <Button onClick={onClick} {...props}>
        {children}
      </Button>
    );
  }
  return (
    <Tooltip content={READ_ONLY_REASON} side="bottom">
      {(describedBy) => (
        <Button {...props} aria-disabled="true" aria-describedby={describedBy}>
          {children}
        </Button>
      )}
    </Tooltip>
  );
}
