import { act, renderHook, waitFor } from '@testing-library/react';
import { useRequest } from './useRequest';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('useRequest', () => {
  it('drops the answer of a superseded request and keeps the last value while reloading', async () => {
    const slow = deferred<string>();
    const fast = deferred<string>();
    const { result, rerender } = renderHook(
      ({ id }) => useRequest(() => (id === 1 ? slow.promise : fast.promise), [id]),
      {
        initialProps: { id: 1 },
      },
    );
    expect(result.current.status).toBe('loading');
    rerender({ id: 2 });
    await act(async () => fast.resolve('second'));
    expect(result.current).toMatchObject({ status: 'success', value: 'second' });
    await act(async () => slow.resolve('first'));
    expect(result.current).toMatchObject({ status: 'success', value: 'second' });
  });

  it('reports errors, keeps the previous value, and loads again on reload', async () => {
    let attempt = 0;
    const { result } = renderHook(() =>
      useRequest(() => (++attempt === 2 ? Promise.reject(new Error('down')) : Promise.resolve(attempt)), []),
    );
    await waitFor(() => expect(result.current).toMatchObject({ status: 'success', value: 1 }));
    act(() => result.current.reload());
    expect(result.current).toMatchObject({ status: 'loading', value: 1 });
    await waitFor(() => expect(result.current.status).toBe('error'));
    expect(result.current).toMatchObject({ error: new Error('down'), value: 1 });
    act(() => result.current.reload());
    await waitFor(() => expect(result.current).toMatchObject({ status: 'success', value: 3 }));
  });
});
