'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
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
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const base = `/api/orgs/${props.orgId}/members`;
  const grantable = MEMBERSHIP_ROLES.filter((role) => props.canGrantAdmin || !PRIVILEGED_ROLES.has(role));

  async function call(url: string, method: string, body?: unknown) {
    setBusy(true);
    setError(null);
    const response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    }).catch(() => null);
    setBusy(false);
    if (!response) return setError('The console cannot be reached.');
    if (!response.ok) {
      const problem = (await response.json().catch(() => null)) as {
        detail?: string;
        errors?: { message: string }[];
      } | null;
      return setError(
        [problem?.detail, ...(problem?.errors?.map((e) => e.message) ?? [])].filter(Boolean).join(' '),
      );
    }
    router.refresh();
  }

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    await call(base, 'POST', { email: data.get('email'), role: data.get('role') });
    form.reset();
  }

  return (
    <>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <table className="table">
        <thead>
          <tr>
            <th>Email</th>
            <th>Name</th>
            <th>Role</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.members.map((member) => {
            const locked = !props.canGrantAdmin && PRIVILEGED_ROLES.has(member.role);
            return (
              <tr key={member.id}>
                <td>
                  {member.email}
                  {member.userId === props.currentUserId && <span className="muted"> (you)</span>}
                </td>
                <td>{member.name}</td>
                <td>
                  <select
                    aria-label={`Role of ${member.email}`}
                    value={member.role}
                    disabled={busy || locked}
                    onChange={(event) => call(`${base}/${member.id}`, 'PATCH', { role: event.target.value })}
                  >
                    {(locked ? MEMBERSHIP_ROLES : grantable).map((role) => (
                      <option key={role} value={role}>
                        {ROLE_LABELS[role]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    disabled={busy || locked}
                    onClick={() => {
                      if (window.confirm(`Remove ${member.email} from this org?`))
                        void call(`${base}/${member.id}`, 'DELETE');
                    }}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Add a member</h2>
      <form className="card form inline" onSubmit={add}>
        <label>
          Email of an existing account
          <input name="email" type="email" required />
        </label>
        <label>
          Role
          <select name="role" defaultValue="viewer">
            {grantable.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button" disabled={busy}>
          Add
        </button>
      </form>
    </>
  );
}
