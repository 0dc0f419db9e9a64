import { Provider } from '@angular/core';
import { LongPollingService } from './long-polling.service';
import { PollingService } from './polling.service';
import { SseService } from './sse.service';
import { WebSocketService } from './web-socket.service';

/**
 * The four transport services. Provide them where their lifetime should end —
 * typically the page component's `providers` — so leaving the page closes every connection.
 */
export function provideTransportServices(): Provider[] {
  return [PollingService, LongPollingService, SseService, WebSocketService];
}
