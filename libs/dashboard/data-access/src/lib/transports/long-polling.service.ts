import { Injectable } from '@angular/core';
import { TransportService } from './transport.service';

/** Long polling: back-to-back `GET /api/long-poll` requests the server holds until there are events. */
@Injectable()
export class LongPollingService extends TransportService<'long-poll'> {
  constructor() {
    super('long-poll', 'Long polling');
  }
}
