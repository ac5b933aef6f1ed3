import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { installErrorHandler } from '../../src/http/error-handler.ts';
import { errors } from '../../src/http/errors.ts';

/** The three branches of the one error renderer (style.md §5), on a bare app. */
describe("Meta's error envelope", () => {
  const app = Fastify({ logger: false, bodyLimit: 64 });
  beforeAll(async () => {
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    installErrorHandler(app);
    app.get('/ours', async () => {
      throw errors.invalidParameter('limit', "Parameter 'limit' must be between 1 and 100.");
    });
    app.get('/boom', async () => {
      throw new Error('database password is hunter2');
    });
    app.withTypeProvider<ZodTypeProvider>().post('/typed', { schema: { body: z.object({ to: z.string() }) } }, async () => ({ ok: true }));
    await app.ready();
  });
  afterAll(() => app.close());

  it('renders our own errors with their status, code, type and details', async () => {
    const res = await app.inject({ method: 'GET', url: '/ours' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        message: '(#100) Invalid parameter',
        type: 'OAuthException',
        code: 100,
        error_data: { messaging_product: 'whatsapp', details: "Parameter 'limit' must be between 1 and 100." },
        fbtrace_id: expect.any(String),
      },
    });
  });

  it('answers an unexpected failure with a generic 500 that leaks nothing', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error).toMatchObject({ code: 1, type: 'OAuthException', message: 'An unknown error occurred' });
    expect(res.body).not.toContain('hunter2');
  });

  it('turns schema validation failures into code 100 naming the parameter', async () => {
    const res = await app.inject({ method: 'POST', url: '/typed', payload: { to: 5 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(100);
    expect(res.json().error.error_data.details).toContain('to');
  });

  it('answers unparsable JSON with 400 and an oversized body with 413', async () => {
    const bad = await app.inject({ method: 'POST', url: '/typed', headers: { 'content-type': 'application/json' }, payload: '{"to":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe(100);
    const big = await app.inject({ method: 'POST', url: '/typed', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ to: 'x'.repeat(200) }) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe(100);
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await app.inject({ method: 'POST', url: '/typed', headers: { 'content-type': 'application/xml' }, payload: '<to/>' });
    expect(res.statusCode).toBe(415);
  });

  it('answers unknown routes with 404 in the envelope', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 100, type: 'GraphMethodException' });
  });
});
