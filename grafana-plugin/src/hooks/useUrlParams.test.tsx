import React from 'react';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { act, renderHook } from '@testing-library/react';
import { useUrlParams } from './useUrlParams';

function render(url: string) {
  return renderHook(() => ({ url: useUrlParams(), location: useLocation() }), {
    wrapper: ({ children }) => (
      <MemoryRouter initialEntries={[url]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        {children}
      </MemoryRouter>
    ),
  });
}

describe('useUrlParams', () => {
  it('sets one key and deletes another in one update, keeping the rest', () => {
    const { result } = render('/decisions?from=now-1h&decision=7');
    act(() => result.current.url[1]({ policy: 'shop/checkout', decision: null }));
    expect(result.current.location.search).toBe('?from=now-1h&policy=shop%2Fcheckout');
    expect(result.current.url[0].get('policy')).toBe('shop/checkout');
  });

  it('deletes a key set to the empty string', () => {
    const { result } = render('/anomalies?signal=latency&active=true');
    act(() => result.current.url[1]({ signal: '' }));
    expect(result.current.location.search).toBe('?active=true');
  });
});
