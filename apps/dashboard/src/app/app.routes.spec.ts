import { LivePage } from '@herald/dashboard-feature-live';
import { routes } from './app.routes';

describe('routes', () => {
  it('opens the live comparison by default and sends unknown paths there', () => {
    expect(routes[0]).toMatchObject({ path: '', component: LivePage });
    expect(routes.at(-1)).toEqual({ path: '**', redirectTo: '' });
  });
});
