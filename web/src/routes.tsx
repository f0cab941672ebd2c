import type { RouteObject } from 'react-router';
import { HomePage } from './pages/search/home-page';
import { FindPage } from './pages/search/find-page';
import { LineagePage } from './pages/lineage/lineage-page';
import { PredictionPage } from './pages/predictions/prediction-page';
import { PredictionsPage } from './pages/predictions/predictions-page';
import { RunsPage } from './pages/runs/runs-page';
import { RunPage } from './pages/runs/run-page';
import { ComparePage } from './pages/runs/compare-page';
import { ModelsPage } from './pages/models/models-page';
import { ModelPage } from './pages/models/model-page';
import { DeploymentsPage } from './pages/deployments/deployments-page';
import { EnvironmentPage } from './pages/deployments/environment-page';
import { EventsPage } from './pages/events/events-page';
import { Empty } from './components/states';

/** Every view is a URL that can be pasted into an incident channel. */
export const routes: RouteObject[] = [
  { path: '/', element: <HomePage /> },
  { path: '/find/:id', element: <FindPage /> },
  { path: '/lineage/:type/:id', element: <LineagePage /> },
  { path: '/predictions', element: <PredictionsPage /> },
  { path: '/predictions/:id', element: <PredictionPage /> },
  { path: '/runs', element: <RunsPage /> },
  { path: '/runs/:id', element: <RunPage /> },
  { path: '/compare', element: <ComparePage /> },
  { path: '/models', element: <ModelsPage /> },
  { path: '/models/:name', element: <ModelPage /> },
  { path: '/deployments', element: <DeploymentsPage /> },
  { path: '/deployments/:env', element: <EnvironmentPage /> },
  { path: '/events', element: <EventsPage /> },
  { path: '*', element: <Empty>No page here: try the search box.</Empty> },
];
