import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * The width of the element the returned callback ref is attached to, kept current with a
 * ResizeObserver from the moment the element mounts (it may mount after the first render, once data
 * has loaded). Where there is no ResizeObserver (jsdom) the fallback width stands.
 */
export function useContainerWidth<T extends HTMLElement>(fallback = 800) {
  const [width, setWidth] = useState(fallback);
  const observer = useRef<ResizeObserver | null>(null);

  const ref = useCallback((element: T | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!element || typeof ResizeObserver === 'undefined') {
      return;
    }
    observer.current = new ResizeObserver((entries) => {
      const measured = entries[0]?.contentRect.width;
      if (measured !== undefined && measured > 0) {
        setWidth(Math.floor(measured));
      }
    });
    observer.current.observe(element);
  }, []);

  useEffect(() => () => observer.current?.disconnect(), []);
  return { ref, width };
}
