// JSON-RPC 2.0 over WebSocket (the `ws` package) and HTTP POST on one port, with Substrate's
// (jsonrpsee's) conventions: error codes, random subscription ids, notifications carrying
// `{ subscription, result }`, limits on request size, connections and subscriptions per connection.
// A bad request gets a JSON-RPC error; a connection that goes away has its subscriptions ended.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
    this.name = 'RpcError';
  }
}

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;
/** jsonrpsee's server limits. */
export const TOO_MANY_SUBSCRIPTIONS = -32006;
export const OVERSIZED_REQUEST = -32007;

export const invalidParams = (reason: string): RpcError => new RpcError(INVALID_PARAMS, 'Invalid params', reason);

export interface Connection {
  readonly id: number;
  /** What ends each subscription, by id: all of them run when the connection closes. */
  readonly subscriptions: Map<string, () => void>;
  send(message: string): void;
}

export type Handler = (params: unknown[], conn: Connection | undefined) => unknown;

export interface Sink {
  readonly id: string;
  send(result: unknown): void;
  /** Ends the subscription from the server's side (a transaction finalized, chainHead stopped). */
  close(): void;
}

export interface SubscriptionDef {
  subscribe: string;
  unsubscribe: string;
  /** The notification's `method`. */
  notification: string;
  aliases?: { subscribe?: readonly string[]; unsubscribe?: readonly string[] };
  unsafe?: boolean;
  /** Starts the subscription (or throws an RpcError); returns what ends it. Notifications sent here follow the response. */
  start(params: unknown[], sink: Sink, conn: Connection): () => void;
  /** What unsubscribing answers: Substrate's legacy methods say whether it existed, the new spec null. */
  unsubscribed?: (existed: boolean) => unknown;
}

export interface RpcServerOptions {
  host: string;
  port: number;
  /** Larger requests are refused (Substrate's --rpc-max-request-size: 15 MiB). */
  maxRequestBytes?: number;
  /** Substrate's --rpc-max-subscriptions-per-connection: 1024. */
  maxSubscriptionsPerConnection?: number;
  /** Substrate's --rpc-max-connections: 100. */
  maxConnections?: number;
  /** Whether unsafe methods are served (--rpc-methods unsafe, or --dev). */
  unsafe: boolean;
  /** Answers GET and HEAD (the web app's files); without it they get 405. */
  serveGet?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** A client that reads slower than it is sent to is dropped past this much unsent data. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

interface MethodEntry { handler: Handler; unsafe: boolean; needsConnection: boolean }

type JsonRpcId = string | number | null;
type Response = { jsonrpc: '2.0'; id: JsonRpcId } & ({ result: unknown } | { error: { code: number; message: string; data?: unknown } });

const subscriptionId = (): string => randomBytes(12).toString('base64url');

export class RpcServer {
  private readonly methods = new Map<string, MethodEntry>();
  private readonly http: Server;
  private readonly ws: WebSocketServer;
  private readonly maxRequestBytes: number;
  private readonly maxSubscriptions: number;
  private readonly maxConnections: number;
  private readonly sockets = new Set<WebSocket>();
  private nextConnection = 1;

  constructor(private readonly opts: RpcServerOptions) {
    this.maxRequestBytes = opts.maxRequestBytes ?? 15 * 1024 * 1024;
    this.maxSubscriptions = opts.maxSubscriptionsPerConnection ?? 1024;
    this.maxConnections = opts.maxConnections ?? 100;
    this.http = createServer((req, res) => void this.onHttp(req, res));
    this.ws = new WebSocketServer({ server: this.http, maxPayload: this.maxRequestBytes });
    this.ws.on('connection', (socket) => this.onSocket(socket));
    this.method('rpc_methods', () => ({ methods: this.names(), version: 1 }));
  }

  /** Registers a method; an unsafe one is refused unless the server serves unsafe methods. */
  method(name: string, handler: Handler, opts: { unsafe?: boolean; aliases?: readonly string[] } = {}): void {
    for (const n of [name, ...(opts.aliases ?? [])]) this.methods.set(n, { handler, unsafe: opts.unsafe ?? false, needsConnection: false });
  }

  subscription(def: SubscriptionDef): void {
    const subscribe: Handler = (params, conn) => this.subscribe(def, params, conn as Connection);
    const unsubscribe: Handler = (params, conn) => {
      const [id] = params;
      if (typeof id !== 'string') throw invalidParams('expected the subscription id, a string');
      const end = conn?.subscriptions.get(id);
      end?.();
      return (def.unsubscribed ?? ((existed) => existed))(end !== undefined);
    };
    for (const name of [def.subscribe, ...(def.aliases?.subscribe ?? [])]) {
      this.methods.set(name, { handler: subscribe, unsafe: def.unsafe ?? false, needsConnection: true });
    }
    for (const name of [def.unsubscribe, ...(def.aliases?.unsubscribe ?? [])]) {
      this.methods.set(name, { handler: unsubscribe, unsafe: def.unsafe ?? false, needsConnection: true });
    }
  }

  /** The methods served, sorted (rpc_methods). */
  names(): string[] {
    return [...this.methods].filter(([, m]) => this.opts.unsafe || !m.unsafe).map(([name]) => name).sort();
  }

  /** Starts listening; returns the ws:// URL. */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.opts.port, this.opts.host, () => {
        const { address, port } = this.http.address() as AddressInfo;
        resolve(`ws://${address.includes(':') ? `[${address}]` : address}:${port}`);
      });
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.ws.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ---- requests ----------------------------------------------------------------------------------

  private subscribe(def: SubscriptionDef, params: unknown[], conn: Connection): string {
    if (conn.subscriptions.size >= this.maxSubscriptions) {
      throw new RpcError(TOO_MANY_SUBSCRIPTIONS, 'Too many subscriptions on the connection', `Exceeded max limit of ${this.maxSubscriptions}`);
    }
    const id = subscriptionId();
    let open = true;
    const queued: unknown[] = [];
    let responded = false;
    const deliver = (result: unknown) => conn.send(JSON.stringify({ jsonrpc: '2.0', method: def.notification, params: { subscription: id, result } }));
    let cleanup: () => void = () => undefined;
    const end = () => {
      if (!open) return;
      open = false;
      conn.subscriptions.delete(id);
      cleanup();
    };
    const sink: Sink = {
      id,
      send: (result) => {
        if (!open) return;
        if (responded) deliver(result);
        else queued.push(result);
      },
      close: end,
    };
    cleanup = def.start(params, sink, conn);
    if (open) conn.subscriptions.set(id, end);
    // Notifications sent before the response (which names the subscription) go out right after it,
    // even when the subscription has already ended (a transaction finalized at once).
    setImmediate(() => {
      responded = true;
      for (const result of queued.splice(0)) deliver(result);
    });
    return id;
  }

  /** Answers one message (a request or a batch); undefined when nothing is to be sent back. */
  async handle(text: string, conn: Connection | undefined): Promise<string | undefined> {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      return JSON.stringify(errorResponse(null, new RpcError(PARSE_ERROR, 'Parse error')));
    }
    if (Array.isArray(request)) {
      if (request.length === 0) return JSON.stringify(errorResponse(null, new RpcError(INVALID_REQUEST, 'Invalid request', 'empty batch')));
      const responses: Response[] = [];
      for (const item of request) {
        const response = await this.handleOne(item, conn);
        if (response) responses.push(response);
      }
      return responses.length ? JSON.stringify(responses) : undefined;
    }
    const response = await this.handleOne(request, conn);
    return response && JSON.stringify(response);
  }

  private async handleOne(request: unknown, conn: Connection | undefined): Promise<Response | undefined> {
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      return errorResponse(null, new RpcError(INVALID_REQUEST, 'Invalid request', 'a request is a JSON object'));
    }
    const { jsonrpc, method, params, id } = request as Record<string, unknown>;
    const validId = id === undefined || id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
    const replyId = validId ? (id as JsonRpcId | undefined) ?? null : null;
    if (jsonrpc !== '2.0' || typeof method !== 'string' || !validId) {
      return errorResponse(replyId, new RpcError(INVALID_REQUEST, 'Invalid request', 'expected { "jsonrpc": "2.0", "method": <string>, "params"?: [...], "id": <string | number> }'));
    }
    const isNotification = id === undefined;
    try {
      const entry = this.methods.get(method);
      if (!entry || (entry.needsConnection && !conn)) throw new RpcError(METHOD_NOT_FOUND, 'Method not found', method);
      if (entry.unsafe && !this.opts.unsafe) throw new RpcError(METHOD_NOT_FOUND, 'RPC call is unsafe to be called externally');
      if (params !== undefined && !Array.isArray(params)) throw invalidParams('params must be an array (positional parameters)');
      const result = await entry.handler((params as unknown[] | undefined) ?? [], conn);
      return isNotification ? undefined : { jsonrpc: '2.0', id: replyId, result: result === undefined ? null : result };
    } catch (error) {
      if (isNotification) return undefined;
      if (error instanceof RpcError) return errorResponse(replyId, error);
      return errorResponse(replyId, new RpcError(INTERNAL_ERROR, 'Internal error', (error as Error).message));
    }
  }

  // ---- transports --------------------------------------------------------------------------------

  private onSocket(socket: WebSocket): void {
    if (this.sockets.size >= this.maxConnections) {
      socket.close(1013, `Too many connections: the node serves at most ${this.maxConnections}`);
      return;
    }
    this.sockets.add(socket);
    const send = (message: string) => {
      if (socket.readyState !== 1) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        socket.terminate();
        return;
      }
      socket.send(message);
    };
    const conn: Connection = { id: this.nextConnection++, subscriptions: new Map(), send };
    // Requests on one connection are answered in order.
    let queue = Promise.resolve();
    socket.on('message', (data) => {
      queue = queue.then(async () => {
        const response = await this.handle(data.toString('utf8'), conn);
        if (response !== undefined) send(response);
      });
    });
    const closed = () => {
      this.sockets.delete(socket);
      for (const end of [...conn.subscriptions.values()]) end();
    };
    socket.on('close', closed);
    // A protocol error (an oversized frame: close code 1009) closes the socket; 'close' follows.
    socket.on('error', () => undefined);
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(body);
    };
    if ((req.method === 'GET' || req.method === 'HEAD') && this.opts.serveGet) {
      this.opts.serveGet(req, res);
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > this.maxRequestBytes) {
        reply(413, JSON.stringify(errorResponse(null, new RpcError(OVERSIZED_REQUEST, 'Request is too big', `Exceeded max limit of ${this.maxRequestBytes}`))));
        req.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const response = await this.handle(Buffer.concat(chunks).toString('utf8'), undefined);
    reply(200, response ?? '');
  }
}

function errorResponse(id: JsonRpcId, error: RpcError): Response {
  return { jsonrpc: '2.0', id, error: { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) } };
}
