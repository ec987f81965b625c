'use client';

import { CheckIcon, CopyIcon } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { Button } from './button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from './dialog';
import { Input } from './input';

/** A secret shown this once (an API key, a stream's signing key), with a copy button. */
export function SecretOnceDialog(props: {
  /** Open while set. */
  secret: string | null;
  title: string;
  description: string;
  /** The field's accessible name. */
  label: string;
  children?: ReactNode;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    if (!props.secret) return;
    await navigator.clipboard.writeText(props.secret);
    setCopied(true);
  }
  return (
    <Dialog
      open={props.secret !== null}
      onOpenChange={(open) => {
        if (!open) {
          setCopied(false);
          props.onClose();
        }
      }}
    >
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{props.title}</DialogTitle>
          <DialogDescription>{props.description}</DialogDescription>
        </DialogHeader>
        <div className="flex items-center gap-2">
          <Input
            readOnly
            aria-label={props.label}
            value={props.secret ?? ''}
            className="font-mono text-xs"
            onFocus={(event) => event.currentTarget.select()}
          />
          <Button variant="outline" onClick={copy}>
            {copied ? <CheckIcon aria-hidden /> : <CopyIcon aria-hidden />} {copied ? 'Copied' : 'Copy'}
          </Button>
        </div>
        {props.children}
        <DialogFooter>
          <DialogClose asChild>
            <Button>I have stored it</Button>
          </DialogClose>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
