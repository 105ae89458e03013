import { useEffect, useRef, type RefObject } from 'react';
import { useLocation } from 'react-router';

/**
 * Moves keyboard focus to the given element after each client-side
 * navigation, so screen readers announce the new page instead of staying on
 * the link that was followed. The first render is skipped to keep the
 * browser's own focus on page load.
 */
export function useFocusOnNavigate(target: RefObject<HTMLElement | null>): void {
  const { pathname } = useLocation();
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    target.current?.focus();
  }, [pathname, target]);
}
