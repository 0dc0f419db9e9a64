import { Injectable } from '@nestjs/common';

/** Whether this instance has begun to stop (SIGTERM): from then on it is not ready, whatever else holds. */
@Injectable()
export class ShutdownState {
  private startedAt: number | undefined;

  get draining(): boolean {
    return this.startedAt !== undefined;
  }

  /** Marks the instance as stopping; idempotent. */
  begin(now = Date.now()): void {
    this.startedAt ??= now;
  }
}
