export * from './lib/latency-chart/chart-scale';
export * from './lib/latency-chart/latency-chart.component';
export * from './lib/status-badge/status-badge.component';
export * from './lib/format/format';
