import type { Config } from 'jest';
import { getJestProjectsAsync } from '@nx/jest';

// One Jest run over every project, so `npm test` prints one summary.
export default async (): Promise<Config> => ({
  projects: await getJestProjectsAsync(),
});
