import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@herald/contracts';
import { ProblemException } from '../http/problem.exception';
import { TransportOptions } from '../transport-options';

/**
 * Caps long-lived connections (SSE streams, WebSockets, waiting long polls) in
 * total (503) and per client address (429). `acquire` returns the release
 * function, which is idempotent; every path that ends a connection calls it.
 */
@Injectable()
export class ConnectionLimiter {
  private total = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly options: TransportOptions) {}

  get open(): number {
    return this.total;
  }

  openFor(address: string): number {
    return this.byAddress.get(address) ?? 0;
  }

  acquire(address: string): () => void {
    if (this.total >= this.options.maxConnections) {
      throw new ProblemException(503, ErrorCode.TooManyConnections, `this server holds the most connections it may (${this.options.maxConnections}); retry later or elsewhere`);
    }
    const mine = this.byAddress.get(address) ?? 0;
    if (mine >= this.options.maxConnectionsPerAddress) {
      throw new ProblemException(429, ErrorCode.TooManyConnections, `at most ${this.options.maxConnectionsPerAddress} open connections per client address`);
    }
    this.total++;
    this.byAddress.set(address, mine + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.total--;
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.byAddress.delete(address);
      else this.byAddress.set(address, left);
    };
  }
}
