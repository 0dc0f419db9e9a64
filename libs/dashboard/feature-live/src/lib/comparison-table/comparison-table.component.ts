import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { TransportService } from '@herald/dashboard-data-access';
import { BytesPipe, CountPipe, MsPipe } from '@herald/dashboard-ui';
import type { TransportGuide } from '../transport-guide';

export interface ComparisonRow {
  readonly guide: TransportGuide;
  readonly service: TransportService;
}

/** The trade-offs of each transport, next to what it measures right now. */
@Component({
  selector: 'hd-comparison-table',
  imports: [MsPipe, BytesPipe, CountPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 id="hd-comparison-title">Which transport when</h2>
    <p class="sub">Measured figures are this browser's, since the panels last subscribed.</p>
    <table data-testid="comparison-table" aria-labelledby="hd-comparison-title">
      <thead>
        <tr>
          <th scope="col">Transport</th>
          <th scope="col">Advantages</th>
          <th scope="col">Drawbacks</th>
          <th scope="col">Typical use</th>
          <th scope="col">Measured</th>
        </tr>
      </thead>
      <tbody>
        @for (row of rows(); track row.guide.name) {
          @let stats = row.service.stats();
          <tr [attr.data-transport]="row.guide.name" [style.--series]="row.guide.color">
            <th scope="row"><span class="swatch" aria-hidden="true"></span>{{ row.guide.label }}</th>
            <td data-label="Advantages">
              <ul>
                @for (item of row.guide.advantages; track item) {
                  <li>{{ item }}</li>
                }
              </ul>
            </td>
            <td data-label="Drawbacks">
              <ul>
                @for (item of row.guide.drawbacks; track item) {
                  <li>{{ item }}</li>
                }
              </ul>
            </td>
            <td data-label="Typical use">{{ row.guide.typicalUse }}</td>
            <td data-label="Measured" class="measured">
              <dl>
                <dt>p50 / p95</dt>
                <dd>{{ stats.latency.p50 | ms }} / {{ stats.latency.p95 | ms }}</dd>
                <dt>{{ row.guide.primary === 'requests' ? 'Requests' : 'Frames' }}</dt>
                <dd>{{ (row.guide.primary === 'requests' ? stats.requests : stats.framesReceived) | count }}</dd>
                <dt>Bytes in</dt>
                <dd>{{ stats.bytesReceived | bytes }}</dd>
                <dt>Reconnects</dt>
                <dd>{{ stats.reconnects | count }}</dd>
              </dl>
            </td>
          </tr>
        }
      </tbody>
    </table>
  `,
  styles: `
    :host { display: block; }
    h2 { margin: 0; font-size: 1.05rem; }
    .sub { margin: 0.15rem 0 0.6rem; color: var(--hd-muted); font-size: 0.82rem; }
    table { width: 100%; border-collapse: collapse; font-size: 0.84rem; }
    th, td { text-align: left; vertical-align: top; padding: 0.5rem 0.5rem; border-bottom: 1px solid var(--hd-grid); }
    thead th { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.03em; color: var(--hd-muted); }
    tbody th { white-space: nowrap; border-left: 4px solid var(--series); }
    .swatch { display: none; }
    ul { margin: 0; padding-left: 1rem; }
    li + li { margin-top: 0.15rem; }
    dl { display: grid; grid-template-columns: auto auto; gap: 0.1rem 0.6rem; margin: 0; white-space: nowrap; }
    dt { color: var(--hd-muted); }
    dd { margin: 0; font-variant-numeric: tabular-nums; font-weight: 600; text-align: right; }
    @media (max-width: 760px) {
      thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
      table, tbody, tr, th, td { display: block; }
      tr { border: 1px solid var(--hd-border); border-left: 4px solid var(--series); border-radius: 8px; margin-bottom: 0.75rem; padding: 0.25rem 0.5rem 0.5rem; }
      tbody th { border: 0; font-size: 0.95rem; padding-left: 0; }
      td { border: 0; padding: 0.3rem 0; }
      td::before { content: attr(data-label); display: block; font-size: 0.7rem; text-transform: uppercase; letter-spacing: 0.03em; color: var(--hd-muted); margin-bottom: 0.15rem; }
      dl { justify-content: start; }
      dd { text-align: left; }
    }
  `,
})
export class ComparisonTable {
  readonly rows = input.required<readonly ComparisonRow[]>();
}
