/**
 * Probity's own HTTP listener (PROBITY_HTTP_PORT): node:http with a small router. Features mount their
 * routes on it — the operations endpoints today, a web dashboard or a NAVER WORKS callback later —
 * with route() for one path and mount() for everything under a prefix, without changing this file.
 * node:http rather than a framework: the endpoints are few and plain, and an offline (망분리)
 * installation has one dependency fewer to vet and patch.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, type HttpConfig } from '../config.js';
import type { Logger } from '../log.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
export type RouteHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => void | Promise<void>;

/** Connections idle this long are closed, so that a stop is not held open by a keep-alive client. */
const KEEP_ALIVE_MS = 5_000;
const PORT_VARIABLE = 'PROBITY_HTTP_PORT';

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function sendText(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

export class HttpListener {
  private readonly routes = new Map<string, Map<Method, RouteHandler>>();
  private readonly mounts: { prefix: string; handler: RouteHandler }[] = [];
  private readonly server: Server;

  constructor(private readonly log: Logger) {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.keepAliveTimeout = KEEP_ALIVE_MS;
  }

  /** One path, one method; HEAD is answered by a GET route without its body. */
  route(method: Method, path: string, handler: RouteHandler): this {
    const methods = this.routes.get(path) ?? new Map<Method, RouteHandler>();
    if (methods.has(method)) throw new Error(`route ${method} ${path} is already taken`);
    methods.set(method, handler);
    this.routes.set(path, methods);
    return this;
  }

  /** Everything under `prefix` (e.g. "/dashboard/") goes to `handler`, which answers methods itself. */
  mount(prefix: string, handler: RouteHandler): this {
    if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`a mount prefix starts and ends with "/": ${prefix}`);
    if (this.mounts.some((m) => m.prefix === prefix)) throw new Error(`mount ${prefix} is already taken`);
    this.mounts.push({ prefix, handler });
    this.mounts.sort((a, b) => b.prefix.length - a.prefix.length);
    return this;
  }

  /**
   * Listens; resolves with the port (useful when 0 asked for a free one). A port that is taken or not
   * allowed is a start-up error naming PROBITY_HTTP_PORT.
   */
  listen(config: HttpConfig): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        this.server.off('listening', onListening);
        reject(listenError(error, config));
      };
      const onListening = () => {
        this.server.off('error', onError);
        this.server.on('error', (error) => this.log.error({ err: error }, 'http listener error'));
        resolve((this.server.address() as AddressInfo).port);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen(config.port, config.host);
    });
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://probity.invalid');
      const method = (request.method ?? 'GET') as Method;
      const methods = this.routes.get(url.pathname);
      if (methods) {
        const handler = methods.get(method) ?? (method === 'HEAD' ? methods.get('GET') : undefined);
        if (!handler) {
          response.setHeader('allow', [...methods.keys()].join(', '));
          sendJson(response, 405, { error: 'method_not_allowed' });
          return;
        }
        await handler(request, response, url);
        return;
      }
      const mounted = this.mounts.find((m) => url.pathname.startsWith(m.prefix));
      if (mounted) {
        await mounted.handler(request, response, url);
        return;
      }
      sendJson(response, 404, { error: 'not_found' });
    } catch (error) {
      this.log.error({ err: error, path: request.url?.split('?')[0] }, 'http handler failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'internal' });
      else response.destroy();
    }
  }
}

function listenError(error: NodeJS.ErrnoException, config: HttpConfig): Error {
  const at = `${config.host}:${config.port}`;
  if (error.code === 'EADDRINUSE') {
    return new ConfigError([{ variable: PORT_VARIABLE, ko: `포트가 이미 사용 중입니다 (${at})`, en: `the port is already in use (${at})` }]);
  }
  if (error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL') {
    return new ConfigError([{ variable: PORT_VARIABLE, ko: `이 주소에서 들을 수 없습니다 (${at}, ${error.code}); PROBITY_HTTP_HOST 도 확인하세요`, en: `cannot listen on ${at} (${error.code}); check PROBITY_HTTP_HOST too` }]);
  }
  return error;
}
