// A minimal keep-alive HTTP/1.1 client over one TCP connection: one request at a time,
// Content-Length and chunked bodies, streaming for SSE. Much cheaper per request than
// node:http's client, so a single generator core can drive thousands of polls per second.
import net from 'node:net';

const HEAD = 0;
const BODY = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_END = 4;
const TRAILER = 5;
const STREAM_DONE = 6;

export class HttpConnection {
  constructor(port, host = '127.0.0.1') {
    this.port = port;
    this.host = host;
    this.socket = null;
    this.pending = '';
    this.state = HEAD;
    this.current = null;
    this.closed = false;
  }

  connect() {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port: this.port, host: this.host, noDelay: true });
      this.socket = socket;
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', (error) => this.fail(error));
        resolve();
      });
      socket.once('error', reject);
      socket.on('data', (chunk) => this.onData(chunk));
      socket.on('close', () => {
        this.closed = true;
        this.fail(new Error('connection closed'));
      });
    });
  }

  /**
   * Sends a GET. Resolves with {status, head, body} when the response is complete.
   * With `onChunk`, body text is streamed to it instead of collected (SSE).
   */
  get(path, headers = '', onChunk = null) {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      this.current = { resolve, reject, status: 0, head: '', parts: [], length: 0, left: 0, onChunk };
      this.state = HEAD;
      this.socket.write('GET ' + path + ' HTTP/1.1\r\nHost: ' + this.host + '\r\n' + headers + '\r\n');
    });
  }

  close() {
    this.closed = true;
    this.socket?.destroy();
  }

  fail(error) {
    const current = this.current;
    this.current = null;
    current?.reject(error);
  }

  finish(body) {
    const current = this.current;
    this.current = null;
    this.state = HEAD;
    current?.resolve({ status: current.status, head: current.head, body });
  }

  emit(text) {
    const current = this.current;
    if (current.onChunk) current.onChunk(text);
    else current.parts.push(text);
  }

  onData(chunk) {
    this.pending = this.pending.length ? this.pending + chunk.toString('latin1') : chunk.toString('latin1');
    for (;;) {
      const current = this.current;
      if (!current) {
        this.pending = '';
        return;
      }
      switch (this.state) {
        case HEAD: {
          const end = this.pending.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = this.pending.slice(0, end);
          this.pending = this.pending.slice(end + 4);
          current.status = Number(head.slice(9, 12));
          current.head = head;
          const lower = head.toLowerCase();
          if (current.status === 304 || current.status === 204) {
            this.finish('');
            continue;
          }
          if (lower.includes('transfer-encoding: chunked')) {
            this.state = CHUNK_SIZE;
          } else {
            const m = /content-length: *(\d+)/.exec(lower);
            current.left = m ? Number(m[1]) : 0;
            if (current.left === 0) {
              this.finish('');
              continue;
            }
            this.state = BODY;
          }
          continue;
        }
        case BODY: {
          if (this.pending.length < current.left) return;
          const body = this.pending.slice(0, current.left);
          this.pending = this.pending.slice(current.left);
          this.finish(body);
          continue;
        }
        case CHUNK_SIZE: {
          const end = this.pending.indexOf('\r\n');
          if (end < 0) return;
          const size = parseInt(this.pending.slice(0, end), 16);
          this.pending = this.pending.slice(end + 2);
          if (size === 0) this.state = TRAILER;
          else {
            current.left = size;
            this.state = CHUNK_DATA;
          }
          continue;
        }
        case CHUNK_DATA: {
          if (this.pending.length === 0) return;
          const take = Math.min(current.left, this.pending.length);
          this.emit(take === this.pending.length ? this.pending : this.pending.slice(0, take));
          this.pending = take === this.pending.length ? '' : this.pending.slice(take);
          current.left -= take;
          if (current.left > 0) return;
          this.state = CHUNK_END;
          continue;
        }
        case CHUNK_END: {
          if (this.pending.length < 2) return;
          this.pending = this.pending.slice(2);
          this.state = CHUNK_SIZE;
          continue;
        }
        case TRAILER: {
          const end = this.pending.indexOf('\r\n');
          if (end < 0) return;
          const line = this.pending.slice(0, end);
          this.pending = this.pending.slice(end + 2);
          if (line === '') {
            this.finish(current.onChunk ? '' : current.parts.join(''));
            this.state = HEAD;
          }
          continue;
        }
        default:
          this.state = STREAM_DONE;
          return;
      }
    }
  }
}
