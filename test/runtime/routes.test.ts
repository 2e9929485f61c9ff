import { compileRoutes, type Route } from '../../lambdas/runtime/routes';

const route = (routeKey: string): Route => ({ routeKey, functionName: routeKey, handler: async () => ({}) });

describe('route matching as API Gateway does it', () => {
  const match = compileRoutes([
    route('ANY /api/{proxy+}'),
    route('GET /r/{linkId}'),
    route('GET /api/openapi.json'),
    route('POST /e'),
    route('GET /e.gif'),
  ]);

  it('prefers an exact path, then a {param}, then a greedy {proxy+}', () => {
    expect(match('GET', '/api/openapi.json')).toEqual({
      route: expect.objectContaining({ routeKey: 'GET /api/openapi.json' }),
    });
    expect(match('GET', '/api/sites/1')).toEqual({
      route: expect.objectContaining({ routeKey: 'ANY /api/{proxy+}' }),
      pathParameters: { proxy: 'sites/1' },
    });
    expect(match('GET', '/r/summer%20sale')).toEqual({
      route: expect.objectContaining({ routeKey: 'GET /r/{linkId}' }),
      pathParameters: { linkId: 'summer sale' },
    });
  });

  it('lists the allowed methods when only the method is wrong, and finds nothing for an unknown path', () => {
    expect(match('GET', '/e')).toEqual({ allowed: ['POST'] });
    expect(match('GET', '/r')).toBeUndefined();
    expect(match('GET', '/api')).toBeUndefined(); // a greedy parameter needs at least one segment
    expect(match('GET', '/nowhere')).toBeUndefined();
  });
});
