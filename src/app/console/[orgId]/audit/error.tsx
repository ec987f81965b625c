'use client';

import { PageError } from '../../../../components/ui/page-error.client';

export default function AuditError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError title="Audit log" what="The audit log" {...props} />;
}
