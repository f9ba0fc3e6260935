import React, { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { prefixRoute, ROUTES } from '../../constants';
import { LoadingState } from '../PageStates/PageStates';

const OverviewPage = lazy(() => import('../../pages/Overview/OverviewPage'));
const ForecastsPage = lazy(() => import('../../pages/Forecasts/ForecastsPage'));
const RecommendationsPage = lazy(() => import('../../pages/Recommendations/RecommendationsPage'));
const BudgetsPage = lazy(() => import('../../pages/Budgets/BudgetsPage'));
const SimulatorPage = lazy(() => import('../../pages/Simulator/SimulatorPage'));
const DecisionsPage = lazy(() => import('../../pages/Decisions/DecisionsPage'));
const AnomaliesPage = lazy(() => import('../../pages/Anomalies/AnomaliesPage'));

/** The app's root page: routes relative to /a/<plugin id>/, one lazily loaded page each. */
function App(_props: AppRootProps) {
  return (
    <Suspense fallback={<LoadingState text="Loading page…" />}>
      <Routes>
        <Route path={ROUTES.Overview} element={<OverviewPage />} />
        <Route path={ROUTES.Forecasts} element={<ForecastsPage />} />
        <Route path={ROUTES.Recommendations} element={<RecommendationsPage />} />
        <Route path={ROUTES.Budgets} element={<BudgetsPage />} />
        <Route path={ROUTES.Simulator} element={<SimulatorPage />} />
        <Route path={`${ROUTES.Decisions}/:id?`} element={<DecisionsPage />} />
        <Route path={ROUTES.Anomalies} element={<AnomaliesPage />} />
        <Route path="*" element={<Navigate to={prefixRoute(ROUTES.Overview)} replace />} />
      </Routes>
    </Suspense>
  );
}

export default App;
