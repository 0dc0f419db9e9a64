import { Routes } from '@angular/router';
import { LIVE_ROUTES } from '@herald/dashboard-feature-live';

export const routes: Routes = [...LIVE_ROUTES, { path: '**', redirectTo: '' }];
