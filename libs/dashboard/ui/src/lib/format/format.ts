import { Pipe, PipeTransform } from '@angular/core';

/** "—" for no value, "12 ms" below a second, "1.25 s" above. */
export function formatMs(value: number | undefined | null): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  if (value < 1000) return `${Math.round(value)} ms`;
  return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
}

/** Bytes in B / kB / MB (decimal units, as network tools report them). */
export function formatBytes(value: number | undefined | null): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  if (value < 1000) return `${value} B`;
  if (value < 1_000_000) return `${(value / 1000).toFixed(1)} kB`;
  return `${(value / 1_000_000).toFixed(2)} MB`;
}

export function formatCount(value: number | undefined | null): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US');
}

@Pipe({ name: 'ms' })
export class MsPipe implements PipeTransform {
  transform(value: number | undefined | null): string {
    return formatMs(value);
  }
}

@Pipe({ name: 'bytes' })
export class BytesPipe implements PipeTransform {
  transform(value: number | undefined | null): string {
    return formatBytes(value);
  }
}

@Pipe({ name: 'count' })
export class CountPipe implements PipeTransform {
  transform(value: number | undefined | null): string {
    return formatCount(value);
  }
}
