import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterOutlet } from '@angular/router';

@Component({
  selector: 'hd-root',
  imports: [RouterOutlet],
  template: `<h1>Herald</h1><router-outlet />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {}
