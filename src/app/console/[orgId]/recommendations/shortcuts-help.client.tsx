'use client';

import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
} from '../../../../components/ui/dialog';
import { Kbd } from '../../../../components/ui/kbd';
import { SHORTCUTS } from './recommendation-shortcuts';

/** The inbox's keyboard shortcuts (`?`); a viewer sees only those that move. */
export function ShortcutsHelp({
  open,
  onOpenChange,
  canDecide,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  canDecide: boolean;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-sm">
        <DialogHeader>
          <DialogTitle>Keyboard shortcuts</DialogTitle>
          <DialogDescription>
            They work anywhere on this page except while you type in a field.
          </DialogDescription>
        </DialogHeader>
        <dl className="grid grid-cols-[auto_1fr] items-center gap-x-4 gap-y-2 text-sm">
          {SHORTCUTS.filter((s) => canDecide || !s.decides).map((s) => (
            <div key={s.action} className="contents">
              <dt>
                {s.keys.map((key) => (
                  <Kbd key={key} className="min-w-6 text-xs">
                    {key}
                  </Kbd>
                ))}
              </dt>
              <dd className="text-muted-foreground">{s.label}</dd>
            </div>
          ))}
        </dl>
      </DialogContent>
    </Dialog>
  );
}
