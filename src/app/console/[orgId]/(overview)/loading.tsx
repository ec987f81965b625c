import { PageSkeleton } from '../../../../components/ui/page-skeleton';

export default function OverviewLoading() {
  return <PageSkeleton label="Loading the overview" layout="cards" />;
}
