import { Injectable } from '@angular/core';
import { TransportService } from './transport.service';

/** WebSocket: one socket on `/ws`; subscribes with `since` on every (re)connect; publishes with an ack. */
@Injectable()
export class WebSocketService extends TransportService<'ws'> {
  constructor() {
    super('ws', 'WebSocket');
  }
}
