import { Injectable } from '@angular/core';
import { TransportService } from './transport.service';

/** Server-Sent Events: one streamed `GET /api/sse` response; EventSource resumes with `Last-Event-ID`. */
@Injectable()
export class SseService extends TransportService<'sse'> {
  constructor() {
    super('sse', 'Server-Sent Events');
  }
}
