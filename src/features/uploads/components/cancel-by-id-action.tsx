import { useState } from 'react';
import { Button } from '#src/components/ui/button.tsx';
import { BanIcon } from '#src/components/ui/icons.tsx';
import { Tooltip } from '#src/components/ui/tooltip.tsx';
import { READ_ONLY_REASON, useOperatorAccess } from '#src/lib/operator-access.tsx';
import { CancelByIdButton } from './cancel-by-id-button.tsx';
import { DeferredCancelByIdDialog } from './uploads-list-later.ts';

/**
 * "Cancel by id" on the uploads page. Its button is on the first screen; the dialog's code
 * (cancel-by-id-dialog.tsx) arrives just after it. A click that comes before the code opens the
 * dialog as soon as it is there.
 */
export function CancelByIdAction() {
  const { readOnly } = useOperatorAccess();
  const [openOnArrival, setOpenOnArrival] = useState(false);
  if (readOnly) {
    return (
      <Tooltip content={READ_ONLY_REASON} align="end" side="bottom">
        {(describedBy) => (
          <Button aria-disabled="true" aria-describedby={describedBy}>
            <BanIcon className="size-3.5" />
            Cancel by id
          </Button>
        )}
      </Tooltip>
    );
  }
  return <DeferredCancelByIdDialog openOnArrival={openOnArrival} fallback={<CancelByIdButton onClick={() => setOpenOnArrival(true)} />} />;
}
