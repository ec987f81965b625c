'use client';

import { Trash2Icon, UserPlusIcon } from 'lucide-react';
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
import { useApiAction } from '../../../../lib/client/use-api-action';
import { MEMBERSHIP_ROLES, type MembershipRole } from '../../../../lib/domain';
import { PRIVILEGED_ROLES, ROLE_LABELS } from '../../../../lib/permissions';

interface MemberRow {
  id: string;
  userId: string;
  email: string;
  name: string;
  role: MembershipRole;
}

export function MembersManager(props: {
  orgId: string;
  members: MemberRow[];
  currentUserId: string;
  canGrantAdmin: boolean;
}) {
  const { busy, problem, run } = useApiAction();
  const [removing, setRemoving] = useState<MemberRow | null>(null);
  const grantable = MEMBERSHIP_ROLES.filter((role) => props.canGrantAdmin || !PRIVILEGED_ROLES.has(role));
  const path = { orgId: props.orgId };

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const fields = new FormData(form);
    const email = String(fields.get('email'));
    const role = String(fields.get('role')) as MembershipRole;
    const added = await run(
      () => api.POST('/api/orgs/{orgId}/members', { params: { path }, body: { email, role } }),
      `${email} was added as ${ROLE_LABELS[role].toLowerCase()}.`,
    );
    if (added !== undefined) form.reset();
  }

  function changeRole(member: MemberRow, role: MembershipRole) {
    void run(
      () =>
        api.PATCH('/api/orgs/{orgId}/members/{memberId}', {
          params: { path: { ...path, memberId: member.id } },
          body: { role },
        }),
      `${member.email} is now ${ROLE_LABELS[role].toLowerCase()}.`,
    );
  }

  async function remove(member: MemberRow) {
    await run(
      () =>
        api.DELETE('/api/orgs/{orgId}/members/{memberId}', {
          params: { path: { ...path, memberId: member.id } },
        }),
      `${member.email} was removed from this org.`,
    );
    setRemoving(null);
  }

  return (
    <div className="flex flex-col gap-4">
      {problem && (
        <Alert variant="error" title="That did not work">
          {problem.summary}
        </Alert>
      )}
      <Card>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Email</TableHead>
              <TableHead className="hidden sm:table-cell">Name</TableHead>
              <TableHead className="w-40">Role</TableHead>
              <TableHead className="w-24 text-right">
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {props.members.map((member) => {
              const locked = !props.canGrantAdmin && PRIVILEGED_ROLES.has(member.role);
              return (
                <TableRow key={member.id}>
                  <TableCell className="font-medium">
                    {member.email}
                    {member.userId === props.currentUserId && (
                      <Badge variant="secondary" className="ml-2">
                        you
                      </Badge>
                    )}
                  </TableCell>
                  <TableCell className="hidden text-muted-foreground sm:table-cell">{member.name}</TableCell>
                  <TableCell>
                    <NativeSelect
                      aria-label={`Role of ${member.email}`}
                      value={member.role}
                      className="min-w-28"
                      disabled={busy || locked}
                      title={locked ? 'Only an owner changes an admin or owner' : undefined}
                      onChange={(event) => changeRole(member, event.target.value as MembershipRole)}
                    >
                      {(locked ? MEMBERSHIP_ROLES : grantable).map((role) => (
                        <option key={role} value={role}>
                          {ROLE_LABELS[role]}
                        </option>
                      ))}
                    </NativeSelect>
                  </TableCell>
                  <TableCell className="text-right">
                    <Button
                      variant="ghost"
                      size="sm"
                      disabled={busy || locked}
                      onClick={() => setRemoving(member)}
                      aria-label={`Remove ${member.email}`}
                    >
                      <Trash2Icon aria-hidden /> Remove
                    </Button>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </Card>
      <Card>
        <CardHeader>
          <div className="grid gap-1">
            <CardTitle>Add a member</CardTitle>
            <CardDescription>
              The person needs an account already (an administrator creates it with the admin command line).
            </CardDescription>
          </div>
        </CardHeader>
        <CardContent>
          <form className="flex flex-wrap items-end gap-3" onSubmit={add}>
            <Field
              id="member-email"
              label="Email"
              className="min-w-64 flex-1"
              error={problem?.fieldError('email')}
            >
              <Input id="member-email" name="email" type="email" required autoComplete="off" />
            </Field>
            <Field id="member-role" label="Role" className="w-40">
              <NativeSelect id="member-role" name="role" defaultValue="viewer">
                {grantable.map((role) => (
                  <option key={role} value={role}>
                    {ROLE_LABELS[role]}
                  </option>
                ))}
              </NativeSelect>
            </Field>
            <Button type="submit" disabled={busy}>
              <UserPlusIcon aria-hidden /> Add
            </Button>
          </form>
        </CardContent>
      </Card>
      <Dialog open={removing !== null} onOpenChange={(open) => !open && setRemoving(null)}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Remove {removing?.email}?</DialogTitle>
            <DialogDescription>
              They lose access to this org at once. Their past actions stay in the audit log.
            </DialogDescription>
          </DialogHeader>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline">Cancel</Button>
            </DialogClose>
            <Button variant="destructive" disabled={busy} onClick={() => removing && remove(removing)}>
              Remove
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </div>
  );
}
