import { requestOf, type HqMethod, type HqRouteSpec, type RouteInput, type RouteOutput } from '../../../shared/hq/routes';
import { HqAnswerInvalidError, type HqCaller } from '../hq-client';

/** A request as it would reach HQ: method, path with its query, and body. */
export interface StandInRequest {
  method: HqMethod;
  path: string;
  body: unknown;
}

/**
 * An HQ for unit tests, answering requests as HQ would see them: each call of a route becomes its
 * request (the client's own URL building), and the answer is checked against the route like the real client.
 */
export function hqStandInCaller(answer: (request: StandInRequest, options: { timeoutMs?: number } | undefined) => unknown): HqCaller {
  return {
    async call<R extends HqRouteSpec>(route: R, input: RouteInput<R>, options?: { timeoutMs?: number }): Promise<RouteOutput<R>> {
      const body = await answer(requestOf(route, input), options);
      if (route.status === 204) return null as RouteOutput<R>;
      const checked = route.response.safeParse(body);
      if (!checked.success) throw new HqAnswerInvalidError(route.operationId, checked.error.message);
      return checked.data as RouteOutput<R>;
    },
  };
}
