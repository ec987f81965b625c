import { PageSkeleton } from '../../../../components/ui/page-skeleton';

// Shown while the page reads a large org's overview: the console's code loads meanwhile.
export default function GraphLoading() {
  return <PageSkeleton label="Loading the graph" layout="canvas" />;
}
