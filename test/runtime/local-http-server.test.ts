import { type LocalStack, startLocalStack } from '../support/local-stack';

describe('local HTTP server (CloudFront + API Gateway stand-in)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
  });

  const request = (path: string, init?: RequestInit) => fetch(`${stack.url}${path}`, init);

  it('answers /health with 200 and the status of every adapter', async () => {
    const response = await request('/health');
    const body = (await response.json()) as {
      status: string;
      adapters: Record<string, { status: string; [detail: string]: unknown }>;
    };
    expect(response.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.adapters).sort()).toEqual(
      ['analytics', 'eventStream', 'identityQueue', 'keyValue', 'objectStore', 'queues', 'sql'].sort(),
    );
    expect(body.adapters.queues?.detail).toMatchObject({ identity: { deadLetters: 0 }, enrich: { deadLetters: 0 } });
    expect(Object.values(body.adapters).every((a) => a.status === 'ok')).toBe(true);
  });

  it('answers an unknown path with a 404 JSON error', async () => {
    const response = await request('/definitely/not/here', { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('answers a wrong method with 405 and the allowed methods', async () => {
    const response = await request('/e', { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('POST');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
  });

  it('answers malformed JSON with a 400 naming the body', async () => {
    const response = await request('/e', {
      method: 'POST',
      body: '{"site": ',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe('body');
  });

  it('answers an oversize body with 413 naming body, without reading it all', async () => {
    const response = await request('/e', { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      code: 'payload_too_large',
      field: 'body',
    });
  });

  it('keeps serving after a storm of bad requests', async () => {
    const bad = await Promise.all([
      request('/e', { method: 'POST', body: '\u0000\u0001' }),
      request('/e', { method: 'POST', body: '[]' }),
      request('/v1/batch', { method: 'POST', body: 'nope' }),
      request('/e.gif?site='),
      request('/assets/%E0%A4%A.js', { method: 'GET' }),
      request('/c'),
    ]);
    expect(bad.every((r) => r.status >= 400 && r.status < 500)).toBe(true);
    expect((await request('/health')).status).toBe(200);
  });

  it('serves the tracker at /s.js with a short cache', async () => {
    const response = await request('/s.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('javascript');
    expect(response.headers.get('cache-control')).toContain('max-age=300');
    expect((await response.text()).length).toBeGreaterThan(1000);
  });
});
