import { UserXIcon } from 'lucide-react';
import Link from 'next/link';
import { Button } from '../../../../../components/ui/button';
import { EmptyState } from '../../../../../components/ui/empty-state';

/** An unknown participant id (or one of another org: the same answer, as the API gives). */
export default function ParticipantNotFound() {
  return (
    <EmptyState
      icon={UserXIcon}
      title="No such participant"
      className="py-24"
      action={
        <Button variant="outline" asChild>
          <Link href="../participants">Back to participants</Link>
        </Button>
      }
    >
      This participant does not exist in this org, or was removed. Search the list for them.
    </EmptyState>
  );
}
