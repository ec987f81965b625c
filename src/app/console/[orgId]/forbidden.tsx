import { ShieldOffIcon } from 'lucide-react';
import { EmptyState } from '../../../components/ui/empty-state';

/** A page of this org that the user's role does not open (the server refused it and logged the attempt). */
export default function OrgPageForbidden() {
  return (
    <EmptyState icon={ShieldOffIcon} title="Your role does not open this page">
      Ask an owner or admin of this org if you need it. The attempt was recorded in the audit log.
    </EmptyState>
  );
}
