import { PageSkeleton } from '../../../../components/ui/page-skeleton';

export default function SegmentsLoading() {
  return <PageSkeleton label="Loading the segments" layout="cards" />;
}
