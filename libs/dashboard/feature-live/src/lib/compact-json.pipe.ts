import { Pipe, PipeTransform } from '@angular/core';

/** One-line JSON for event rows (`undefined` and unserialisable values shown as such). */
@Pipe({ name: 'compactJson' })
export class CompactJsonPipe implements PipeTransform {
  transform(value: unknown): string {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return String(value);
    }
  }
}
