// JSON-RPC 2.0 over WebSocket (the `ws` package) and HTTP POST on one port, with Substrate's
// (jsonrpsee's) conventions: error codes, random subscription ids, notifications carrying
// `{ subscription, result }`, limits on request, response and batch size, connections and
// subscriptions per connection. A bad request gets a JSON-RPC error; a connection that goes away
// has its subscriptions ended. No client holds the event loop for long: a batch yields between its
// entries, and notifications go out in slices after the work that raised them (a sealed block).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { WebSocket, WebSocketServer } from 'ws';

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
export const OVERSIZED_RESPONSE = -32008;
export const BATCHES_NOT_SUPPORTED = -32005;
export const TOO_BIG_BATCH = -32010;
export const TOO_BIG_BATCH_RESPONSE = -32011;
/** Substrate's (sc-rpc-api) refusal of an unsafe method on a server that serves only safe ones. */
export const UNSAFE_METHOD = -32601;

const MB = 1024 * 1024;
const exceeded = (limit: number) => `Exceeded max limit of ${limit}`;

export const invalidParams = (reason: string): RpcError => new RpcError(INVALID_PARAMS, 'Invalid params', reason);

export interface Connection {
  readonly id: number;
  /** What ends each subscription, by id: all of them run when the connection closes. */
  readonly subscriptions: Map<string, () => void>;
  /** What waits for the response being prepared (a new subscription's first notifications). */
  readonly afterResponse: (() => void)[];
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
  /** Larger responses are replaced by an error (Substrate's --rpc-max-response-size: 15 MiB). */
  maxResponseBytes?: number;
  /** Longer batches are refused (Substrate's --rpc-max-batch-request-len: unlimited; 0 refuses batches). */
  maxBatchLength?: number;
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
const MAX_BUFFERED_BYTES = 64 * MB;
/** Notifications sent per turn of the event loop: requests and sealing interleave with the rest. */
const NOTIFICATIONS_PER_TURN = 1000;

interface MethodEntry { handler: Handler; unsafe: boolean; needsConnection: boolean }

type JsonRpcId = string | number | null;
type Response = { jsonrpc: '2.0'; id: JsonRpcId } & ({ result: unknown } | { error: { code: number; message: string; data?: unknown } });

const subscriptionId = (): string => randomBytes(12).toString('base64url');

export class RpcServer {
  private readonly methods = new Map<string, MethodEntry>();
  private readonly http: Server;
  private readonly ws: WebSocketServer;
  private readonly maxRequestBytes: number;
  private readonly maxResponseBytes: number;
  private readonly maxBatchLength: number;
  private readonly maxSubscriptions: number;
  private readonly maxConnections: number;
  private readonly sockets = new Set<WebSocket>();
  private readonly connections = new Set<Connection>();
  private nextConnection = 1;
  /** Notifications waiting to go out, oldest first (see flush). */
  private readonly outbox: (() => void)[] = [];

  constructor(private readonly opts: RpcServerOptions) {
    this.maxRequestBytes = opts.maxRequestBytes ?? 15 * MB;
    this.maxResponseBytes = opts.maxResponseBytes ?? 15 * MB;
    this.maxBatchLength = opts.maxBatchLength ?? Infinity;
    this.maxSubscriptions = opts.maxSubscriptionsPerConnection ?? 1024;
    this.maxConnections = opts.maxConnections ?? 100;
    this.http = createServer((req, res) => void this.onHttp(req, res));
    const tooBig = JSON.stringify(errorResponse(null, new RpcError(OVERSIZED_REQUEST, 'Request is too big', exceeded(this.maxRequestBytes))));
    // `ws` refuses a frame over maxPayload by closing with 1009; jsonrpsee answers it first.
    class LimitedSocket extends WebSocket {
      override close(code?: number, reason?: string | Buffer): void {
        if (code === 1009 && this.readyState === WebSocket.OPEN) this.send(tooBig);
        super.close(code, reason);
      }
    }
    this.ws = new WebSocketServer({ server: this.http, maxPayload: this.maxRequestBytes, WebSocket: LimitedSocket });
    this.ws.on('connection', (socket) => this.onSocket(socket));
    // The HTTP server's errors (a port in use) reach listen(); without this listener they would also be thrown here.
    this.ws.on('error', () => undefined);
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

  /** How many subscriptions the open connections hold. */
  get subscriptionCount(): number {
    return [...this.connections].reduce((sum, conn) => sum + conn.subscriptions.size, 0);
  }

  /** The methods served, sorted (rpc_methods). */
  names(): string[] {
    return [...this.methods].filter(([, m]) => this.opts.unsafe || !m.unsafe).map(([name]) => name).sort();
  }

  /** Starts listening; returns the ws:// URL. A port in use is refused with one clear sentence. */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.http.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE'
        ? new Error(`JSON-RPC port ${this.opts.port} on ${this.opts.host} is already in use (another node running?); choose another with --rpc-port`)
        : error));
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
      throw new RpcError(TOO_MANY_SUBSCRIPTIONS, 'Too many subscriptions on the connection', exceeded(this.maxSubscriptions));
    }
    const id = subscriptionId();
    let open = true;
    const queued: unknown[] = [];
    let responded = false;
    const deliver = (result: unknown) => this.notify(conn, def.notification, id, result);
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
    conn.afterResponse.push(() => {
      responded = true;
      for (const result of queued.splice(0)) deliver(result);
    });
    return id;
  }

  /** Queues a notification: it goes out after the work that raised it, in slices (see flush). */
  private notify(conn: Connection, method: string, subscription: string, result: unknown): void {
    this.outbox.push(() => conn.send(JSON.stringify({ jsonrpc: '2.0', method, params: { subscription, result } })));
    if (this.outbox.length === 1) setImmediate(() => this.flush());
  }

  /** Sends queued notifications, a slice per turn of the event loop. */
  private flush(): void {
    for (const send of this.outbox.splice(0, NOTIFICATIONS_PER_TURN)) send();
    if (this.outbox.length > 0) setImmediate(() => this.flush());
  }

  /** Answers one message (a request or a batch); undefined when nothing is to be sent back. */
  async handle(text: string, conn: Connection | undefined): Promise<string | undefined> {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      return JSON.stringify(errorResponse(null, new RpcError(PARSE_ERROR, 'Parse error')));
    }
    if (Array.isArray(request)) return this.handleBatch(request, conn);
    const response = await this.handleOne(request, conn);
    if (!response) return undefined;
    const answer = JSON.stringify(response);
    if (Buffer.byteLength(answer) <= this.maxResponseBytes) return answer;
    return JSON.stringify(errorResponse(response.id, new RpcError(OVERSIZED_RESPONSE, 'Response is too big', exceeded(this.maxResponseBytes))));
  }

  /** A batch's entries in order, yielding to other clients between them; its answer bounded by the response limit. */
  private async handleBatch(batch: unknown[], conn: Connection | undefined): Promise<string | undefined> {
    if (batch.length === 0) return JSON.stringify(errorResponse(null, new RpcError(INVALID_REQUEST, 'Invalid request', 'empty batch')));
    if (this.maxBatchLength === 0) return JSON.stringify(errorResponse(null, new RpcError(BATCHES_NOT_SUPPORTED, 'Batched requests are not supported by this server')));
    if (batch.length > this.maxBatchLength) {
      return JSON.stringify(errorResponse(null, new RpcError(TOO_BIG_BATCH, 'The batch request was too large', exceeded(this.maxBatchLength))));
    }
    const responses: string[] = [];
    let bytes = 2;
    for (const item of batch) {
      await nextTurn();
      const response = await this.handleOne(item, conn);
      if (!response) continue;
      const text = JSON.stringify(response);
      bytes += Buffer.byteLength(text) + 1;
      if (bytes > this.maxResponseBytes) {
        return JSON.stringify(errorResponse(null, new RpcError(TOO_BIG_BATCH_RESPONSE, 'The batch response was too large', exceeded(this.maxResponseBytes))));
      }
      responses.push(text);
    }
    return responses.length ? `[${responses.join(',')}]` : undefined;
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
      if (entry.unsafe && !this.opts.unsafe) throw new RpcError(UNSAFE_METHOD, 'RPC call is unsafe to be called externally');
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
    const conn: Connection = { id: this.nextConnection++, subscriptions: new Map(), afterResponse: [], send };
    this.connections.add(conn);
    // Requests on one connection are answered in order.
    let queue = Promise.resolve();
    socket.on('message', (data) => {
      queue = queue.then(async () => {
        const response = await this.handle(data.toString('utf8'), conn);
        if (response !== undefined) send(response);
        for (const next of conn.afterResponse.splice(0)) next();
      });
    });
    const closed = () => {
      this.sockets.delete(socket);
      this.connections.delete(conn);
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
        reply(413, JSON.stringify(errorResponse(null, new RpcError(OVERSIZED_REQUEST, 'Request is too big', exceeded(this.maxRequestBytes)))));
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
