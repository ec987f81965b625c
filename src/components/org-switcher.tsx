'use client';

import { useRouter } from 'next/navigation';

export function OrgSwitcher({
  orgs,
  current,
}: {
  orgs: { orgId: string; orgName: string }[];
  current: string;
}) {
  const router = useRouter();
  if (orgs.length < 2) return <span className="org-name">{orgs[0]?.orgName}</span>;
  return (
    <label className="org-switcher">
      <span className="visually-hidden">Org</span>
      <select
        value={current}
        onChange={(event) => router.push(`/console/${event.target.value}`)}
        aria-label="Switch org"
      >
        {orgs.map((org) => (
          <option key={org.orgId} value={org.orgId}>
            {org.orgName}
          </option>
        ))}
      </select>
    </label>
  );
}
