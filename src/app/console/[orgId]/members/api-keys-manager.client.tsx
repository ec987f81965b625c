'use client';

import { KeyRoundIcon, PlusIcon } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../../../components/ui/alert';
import { Badge } from '../../../../components/ui/badge';
import { Button } from '../../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../../components/ui/card';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from '../../../../components/ui/dialog';
import { InlineEmpty } from '../../../../components/ui/inline-empty';
import { SecretOnceDialog } from '../../../../components/ui/secret-once-dialog.client';
import { Field, Input, NativeSelect } from '../../../../components/ui/input';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '../../../../components/ui/table';
import { api } from '../../../../lib/client/api';
import type { components } from '../../../../lib/client/api-types';
import { useApiAction } from '../../../../lib/client/use-api-action';
import { API_KEY_ROLES, type ApiKeyRole } from '../../../../lib/domain';
import { ROLE_LABELS } from '../../../../lib/permissions';
import { relativeTime } from '../../../../lib/ui/relative-time';

type ApiKey = components['schemas']['ApiKey'];

const EXPIRY_CHOICES = [
  { days: '30', label: '30 days' },
  { days: '90', label: '90 days' },
  { days: '365', label: '1 year' },
  { days: 'never', label: 'Never' },
] as const;

function keyStatus(
  key: ApiKey,
  now: number,
): { label: string; variant: 'success' | 'secondary' | 'warning' } {
  if (key.revokedAt) return { label: 'Revoked', variant: 'secondary' };
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return { label: 'Expired', variant: 'warning' };
  return { label: 'Active', variant: 'success' };
}

/** The org's API keys: create one (its secret shown once), see when each was last used, revoke. */
export function ApiKeysManager(props: { orgId: string; keys: ApiKey[]; now: number }) {
  const { busy, problem, run } = useApiAction();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const path = { orgId: props.orgId };

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const fields = new FormData(form);
    const name = String(fields.get('name'));
    const role = String(fields.get('role')) as ApiKeyRole;
    const expiry = String(fields.get('expiry'));
    const answer = await run(
      () =>
        api.POST('/api/orgs/{orgId}/api-keys', {
          params: { path },
          body: { name, role, expiresInDays: expiry === 'never' ? null : Number(expiry) },
        }),
      `The key “${name}” was created.`,
    );
    if (answer?.data) {
      setCreated({ name, secret: answer.data.secret });
      form.reset();
    }
  }

  async function revoke(key: ApiKey) {
    await run(
      () =>
        api.DELETE('/api/orgs/{orgId}/api-keys/{keyId}', { params: { path: { ...path, keyId: key.id } } }),
      `The key “${key.name}” was revoked; its next request is refused.`,
    );
    setRevoking(null);
  }

  return (
    <Card>
      <CardHeader>
        <div className="grid gap-1">
          <CardTitle>API keys</CardTitle>
          <CardDescription>
            For scripts and integrations: a key acts in this org with its role, sent as{' '}
            <code className="font-mono text-xs">Authorization: Bearer oc_…</code>. Every request made with a
            key is written to the audit log under the key’s prefix.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {problem && (
          <Alert variant="error" title="That did not work">
            {problem.summary}
          </Alert>
        )}
        {props.keys.length === 0 ? (
          <InlineEmpty icon={KeyRoundIcon} title="No API keys yet">
            Create one below; its secret is shown once.
          </InlineEmpty>
        ) : (
          <div className="overflow-x-auto rounded-md border border-border">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead className="hidden sm:table-cell">Key</TableHead>
                  <TableHead>Role</TableHead>
                  <TableHead className="hidden md:table-cell">Created</TableHead>
                  <TableHead className="hidden md:table-cell">Expires</TableHead>
                  <TableHead className="hidden sm:table-cell">Last used</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead className="w-24 text-right">
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {props.keys.map((key) => {
                  const status = keyStatus(key, props.now);
                  return (
                    <TableRow key={key.id}>
                      <TableCell className="font-medium">
                        {key.name}
                        <span className="block font-mono text-xs font-normal text-muted-foreground sm:hidden">
                          {key.prefix}…
                        </span>
                      </TableCell>
                      <TableCell className="hidden font-mono text-xs whitespace-nowrap sm:table-cell">
                        {key.prefix}…
                      </TableCell>
                      <TableCell>{ROLE_LABELS[key.role]}</TableCell>
                      <TableCell className="hidden text-muted-foreground md:table-cell">
                        <span title={key.createdAt}>{relativeTime(key.createdAt, props.now)}</span>
                        {key.createdByEmail && <span className="block text-xs">by {key.createdByEmail}</span>}
                      </TableCell>
                      <TableCell className="hidden text-muted-foreground md:table-cell">
                        {key.expiresAt ? (
                          <span title={key.expiresAt}>{relativeTime(key.expiresAt, props.now)}</span>
                        ) : (
                          'Never'
                        )}
                      </TableCell>
                      <TableCell className="hidden text-muted-foreground sm:table-cell">
                        <span title={key.lastUsedAt ?? undefined}>
                          {relativeTime(key.lastUsedAt, props.now)}
                        </span>
                      </TableCell>
                      <TableCell>
                        <Badge variant={status.variant}>{status.label}</Badge>
                      </TableCell>
                      <TableCell className="text-right">
                        {!key.revokedAt && (
                          <Button
                            variant="ghost"
                            size="sm"
                            disabled={busy}
                            onClick={() => setRevoking(key)}
                            aria-label={`Revoke ${key.name}`}
                          >
                            Revoke
                          </Button>
                        )}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </div>
        )}
        <form className="flex flex-wrap items-end gap-3" onSubmit={create} aria-label="Create an API key">
          <Field id="key-name" label="Name" className="min-w-56 flex-1" error={problem?.fieldError('name')}>
            <Input
              id="key-name"
              name="name"
              required
              maxLength={100}
              placeholder="e.g. Nightly CRM sync"
              autoComplete="off"
            />
          </Field>
          <Field id="key-role" label="Role" className="w-36">
            <NativeSelect id="key-role" name="role" defaultValue="viewer">
              {API_KEY_ROLES.map((role) => (
                <option key={role} value={role}>
                  {ROLE_LABELS[role]}
                </option>
              ))}
            </NativeSelect>
          </Field>
          <Field id="key-expiry" label="Expires after" className="w-36">
            <NativeSelect id="key-expiry" name="expiry" defaultValue="90">
              {EXPIRY_CHOICES.map((choice) => (
                <option key={choice.days} value={choice.days}>
                  {choice.label}
                </option>
              ))}
            </NativeSelect>
          </Field>
          <Button type="submit" disabled={busy}>
            <PlusIcon aria-hidden /> Create key
          </Button>
        </form>
      </CardContent>
      <SecretOnceDialog
        secret={created?.secret ?? null}
        title={`Copy the key “${created?.name ?? ''}” now`}
        description="This is the only time it is shown: the console keeps only a hash of it. Store it where your script reads its secrets."
        label="The new API key"
        onClose={() => setCreated(null)}
      />
      <Dialog open={revoking !== null} onOpenChange={(open) => !open && setRevoking(null)}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Revoke “{revoking?.name}”?</DialogTitle>
            <DialogDescription>
              Scripts using {revoking?.prefix}… are refused from their next request. A revoked key cannot be
              turned back on; create a new one instead.
            </DialogDescription>
          </DialogHeader>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline">Cancel</Button>
            </DialogClose>
            <Button variant="destructive" disabled={busy} onClick={() => revoking && revoke(revoking)}>
              Revoke
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </Card>
  );
}
