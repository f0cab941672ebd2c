import { Navigate, useParams } from 'react-router';
import { useTrace } from '../../api/hooks';
import { Empty, Failure, Loading } from '../../components/states';
import { pageOf } from '../../entity-links';

/** `/find/ID`: the server resolves the id as `threadline trace` does, and the page of what it names opens. */
export function FindPage() {
  const id = useParams().id ?? '';
  const found = useTrace(id, { depth: 0 });
  if (found.isPending) return <Loading />;
  if (found.error) {
    const notFound = (found.error as { code?: string }).code === 'NOT_FOUND';
    return notFound ? <Empty command={`threadline trace ${id}`}>Nothing is recorded under “{id}”.</Empty> : <Failure error={found.error} />;
  }
  return <Navigate to={pageOf(found.data.start)} replace />;
}
