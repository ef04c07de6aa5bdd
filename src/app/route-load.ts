import type { Params } from 'react-router-dom';

/**
 * What a route asks of the query cache as the router goes there (router.tsx runs it, before the
 * route renders); it never waits for the answer: a page that cannot show without its data reads
 * it with a suspense query.
 */
export type RouteLoad = (args: { params: Params; url: URL }) => void;
