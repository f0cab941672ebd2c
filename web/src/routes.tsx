import type { RouteObject } from 'react-router';
import { HomePage } from './pages/search/home-page';
import { FindPage } from './pages/search/find-page';
import { LineagePage } from './pages/lineage/lineage-page';
import { PredictionPage } from './pages/predictions/prediction-page';

/** Every view is a URL that can be pasted into an incident channel. */
export const routes: RouteObject[] = [
  { path: '/', element: <HomePage /> },
  { path: '/find/:id', element: <FindPage /> },
  { path: '/lineage/:type/:id', element: <LineagePage /> },
  { path: '/predictions/:id', element: <PredictionPage /> },
];
