import { useEffect, useRef } from 'react';

import { subscribeToChanges, type LiveEvent } from '../live/live-connection';

/**
 * Calls `onEvent` for every change notice of the tenant and for 'reload'
 * events, while the component is mounted. The latest `onEvent` is used, so
 * callers need not memoise it.
 */
export function useLiveChanges(onEvent: (event: LiveEvent) => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => subscribeToChanges((event) => handler.current(event)), []);
}
