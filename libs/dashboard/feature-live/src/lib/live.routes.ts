import { Routes } from '@angular/router';
import { LivePage } from './live-page/live-page.component';

/** The live comparison at the feature's root path. */
export const LIVE_ROUTES: Routes = [{ path: '', component: LivePage, title: 'Live transport comparison — Herald' }];
