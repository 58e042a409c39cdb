// A raw JSON-RPC WebSocket client for tests that look at the wire: responses matched to requests
// by id, everything else (notifications, answers to raw text) in arrival order.
import { WebSocket } from 'ws';

/** A raw WebSocket client: responses matched to requests by id, everything else in arrival order. */
export async function connect(url: string) {
  const socket = new WebSocket(url);
  const pending = new Map<unknown, (message: Message) => void>();
  const inbox: Message[] = [];
  const waiting: ((message: Message) => void)[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString('utf8')) as Message;
    const byId = message.method === undefined ? pending.get(message.id) : undefined;
    if (byId) {
      pending.delete(message.id);
      byId(message);
      return;
    }
    const next = waiting.shift();
    if (next) next(message);
    else inbox.push(message);
  });
  await new Promise<void>((resolve, reject) => { socket.once('open', resolve); socket.on('error', reject); });
  return {
    socket,
    send: (text: string) => socket.send(text),
    /** The next message no request is waiting for (notifications, answers to raw text). */
    next: () => new Promise<Message>((resolve) => { if (inbox.length) resolve(inbox.shift() as Message); else waiting.push(resolve); }),
    call: (method: string, params: unknown[] = [], id = 1) => new Promise<Message>((resolve) => {
      pending.set(id, resolve);
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    }),
    closed: new Promise<number>((resolve) => socket.once('close', (code) => resolve(code))),
  };
}

// JSON-RPC messages as they arrive: any shape.
export type Message = Record<string, any>;

