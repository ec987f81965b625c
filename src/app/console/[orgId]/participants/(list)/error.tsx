'use client';

import { PageError } from '../../../../../components/ui/page-error.client';

export default function ParticipantsError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError title="Participants" what="The participants" {...props} />;
}
