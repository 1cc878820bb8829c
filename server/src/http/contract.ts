/**
 * HQ serves the routes of its one table (shared/hq/routes.ts) and nothing else: `serve()` registers a
 * route from its entry (method, path, zod schemas, the API description's operationId, description and
 * tag), and a route outside the table stops HQ from starting. Who may call each route stays declared
 * beside its handler (http/access.ts).
 */
import type { FastifyReply, FastifyRequest, FastifySchema, onRequestHookHandler, preValidationHookHandler, RouteOptions } from 'fastify';
import type { z } from 'zod';
import { HqErrorSchema } from '../../../shared/hq/common';
import { routeOfPattern, type HqRouteSpec } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import type { RouteAccess } from './access';

type Parsed<R, K extends 'params' | 'query' | 'body' | 'headers'> = R extends { [k in K]: infer S extends z.ZodType } ? z.output<S> : unknown;

/** The request of a route, typed from its schemas in the table. */
export type ContractRequest<R extends HqRouteSpec> = FastifyRequest<{ Params: Parsed<R, 'params'>; Querystring: Parsed<R, 'query'>; Body: Parsed<R, 'body'>; Headers: Parsed<R, 'headers'> }>;

export interface ServeOptions {
  access: RouteAccess;
  bodyLimit?: number;
  onRequest?: onRequestHookHandler;
  preValidation?: preValidationHookHandler;
}

/** The Fastify schema of a route: its zod schemas, success and error answers, and what the API description says of it. */
export function schemaOf(route: HqRouteSpec): FastifySchema {
  const success = route.produces ? { description: route.summary, content: { [route.produces]: { schema: route.response } } } : route.response;
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: route.description,
    tags: [route.tag],
    ...(route.hidden ? { hide: true } : {}),
    ...(route.params ? { params: route.params } : {}),
    ...(route.query ? { querystring: route.query } : {}),
    ...(route.body ? { body: route.body } : {}),
    ...(route.headers ? { headers: route.headers } : {}),
    ...(route.hidden ? {} : { response: { [route.status]: success, ...Object.fromEntries(route.errors.map((status) => [status, HqErrorSchema])) } }),
  } as FastifySchema;
}

/** Registers one route of the table with its handler and its access declaration. */
export function serve<R extends HqRouteSpec>(app: HqApp, route: R, options: ServeOptions, handler: (request: ContractRequest<R>, reply: FastifyReply) => Promise<unknown>): void {
  app.route({
    method: route.method,
    url: route.path,
    config: { access: options.access },
    ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    ...(options.preValidation ? { preValidation: options.preValidation } : {}),
    schema: schemaOf(route),
    handler: handler as never,
  });
}

/** An onRoute hook: a route HQ's table does not name stops HQ from starting (HEAD answers for its GET). */
export function refuseRoutesOutsideContract(route: RouteOptions): void {
  for (const method of [route.method].flat()) {
    const named = routeOfPattern(method === 'HEAD' ? 'GET' : method, route.url);
    if (!named) throw new Error(`HQ route ${method} ${route.url} is not in HQ's route table (shared/hq/routes.ts); add it there first.`);
  }
}
