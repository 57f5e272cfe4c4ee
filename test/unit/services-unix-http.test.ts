import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResponse, unixHttp } from '../../src/services/docker/unix-http.js';
import { engineRequest, EngineError } from '../../src/services/docker/engine-http.js';

const raw = (text: string) => Buffer.from(text, 'latin1');

describe('parseResponse', () => {
  it('reads a Content-Length body and ignores what follows it', () => {
    expect(parseResponse(raw('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOKextra'))).toEqual({ status: 200, body: raw('OK') });
  });

  it('decodes a chunked body, chunk extensions included', () => {
    const res = parseResponse(raw('HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n4;x=y\r\n{"me\r\nb\r\nssage":"x"}\r\n0\r\n\r\n'));
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString())).toEqual({ message: 'x' });
  });

  it('a body read to the end of the connection when neither header is there', () => {
    expect(parseResponse(raw('HTTP/1.0 204 No Content\r\n\r\n')).body.length).toBe(0);
  });

  it('a truncated response is an error, not a short body', () => {
    expect(() => parseResponse(raw('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort'))).toThrow(/before the response body was complete/);
    expect(() => parseResponse(raw('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc'))).toThrow(/inside a chunked response/);
    expect(() => parseResponse(raw('HTTP/1.1 200 OK\r\nContent-Le'))).toThrow(/headers were complete/);
    expect(() => parseResponse(raw('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(/not an HTTP response/);
  });
});

describe('unixHttp against a real HTTP server on a unix socket', () => {
  let dir: string;
  let server: Server;
  const socket = () => join(dir, 'engine.sock');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tldr-unix-http-'));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/_ping') return res.end('OK');
        if (req.url === '/big') return res.end('x'.repeat(300_000)); // chunked: no Content-Length
        if (req.url === '/missing') return res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no such container"}');
        if (req.url === '/conflict') return res.writeHead(409).end('{"message":"in use"}');
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(socket(), resolve));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET and POST with a JSON body; a large chunked answer arrives whole', async () => {
    expect((await unixHttp(socket(), 'GET', '/_ping')).body.toString()).toBe('OK');
    expect(await engineRequest(socket(), 'POST', '/containers/create', { Image: 'x' })).toEqual({
      method: 'POST',
      body: '{"Image":"x"}',
      type: 'application/json',
    });
    expect((await unixHttp(socket(), 'GET', '/big')).body.length).toBe(300_000);
  });

  it('404 is undefined, another error status rejects with the Engine message', async () => {
    expect(await engineRequest(socket(), 'GET', '/missing')).toBeUndefined();
    const error = await engineRequest(socket(), 'GET', '/conflict').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ statusCode: 409, message: '(HTTP code 409) in use' });
  });

  it('a timeout and an abort end the request; a missing socket is ENOENT', async () => {
    await expect(engineRequest(socket(), 'GET', '/slow', undefined, { timeoutMs: 100 })).rejects.toThrow(/did not answer GET \/slow within 100 ms/);
    const aborted = new AbortController();
    setTimeout(() => aborted.abort(new Error('stop it')), 50);
    await expect(unixHttp(socket(), 'GET', '/slow', { signal: aborted.signal })).rejects.toThrow('stop it');
    await expect(unixHttp(join(dir, 'nothing.sock'), 'GET', '/_ping')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('an answer that never ends in a response is bounded by the timeout', async () => {
    const silent = createNetServer((conn) => conn.on('data', () => undefined));
    const path = join(dir, 'silent.sock');
    await new Promise<void>((resolve) => silent.listen(path, resolve));
    try {
      await expect(unixHttp(path, 'GET', '/_ping', { timeoutMs: 100 })).rejects.toThrow(/timed out after 100 ms/);
    } finally {
      silent.close();
    }
  });
});
