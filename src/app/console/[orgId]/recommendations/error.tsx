'use client';

import { PageError } from '../../../../components/ui/page-error.client';

export default function RecommendationsError(props: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <PageError title="Recommendations" what="The recommendations" {...props} />;
}
