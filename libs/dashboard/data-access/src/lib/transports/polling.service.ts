import { Injectable } from '@angular/core';
import { TransportService } from './transport.service';

/** Short polling: `GET /api/poll` on an interval, with `If-None-Match` so an unchanged log costs a 304. */
@Injectable()
export class PollingService extends TransportService<'poll'> {
  constructor() {
    super('poll', 'Short polling');
  }
}
