import { SetMetadata } from '@nestjs/common';

export const LONG_LIVED_KEY = 'herald:long-lived';

/** Marks routes whose responses stay open (SSE, long poll): they count against the connection caps. */
export const LongLived = () => SetMetadata(LONG_LIVED_KEY, true);
