import React from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { render } from '@testing-library/react';

/** Renders a page as Grafana would under /a/<plugin id>/<path>, at `url` (path and query). */
export function renderPage(page: React.ReactElement, url: string) {
  const path = url.split('?')[0]!;
  return render(
    <MemoryRouter initialEntries={[url]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <Routes>
        <Route path={path} element={page} />
      </Routes>
    </MemoryRouter>,
  );
}
