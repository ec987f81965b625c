import { PageSkeleton } from '../../../../../components/ui/page-skeleton';

export default function InterventionsLoading() {
  return <PageSkeleton label="Loading the interventions" layout="rows" />;
}
