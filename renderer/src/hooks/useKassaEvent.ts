import { useEffect, useRef } from 'react';
import type { EventPayload } from '../../../shared/api';
import type { EventName } from '../../../shared/channels';
import { getBridge } from '../api/client';

/** Runs `handler` for each event of this name from the register. */
export function useKassaEvent<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(
    () =>
      getBridge().onEvent((event) => {
        if (event.name === name) latest.current(event.payload as EventPayload<E>);
      }),
    [name],
  );
}
