/** Mounting the whole app in jsdom for component tests. */
import { render } from '@testing-library/react';
import type { WirelensApi } from '../../core/api/methods.js';
import { App } from '../App.js';
import { StoreContext } from '../state/context.js';
import { createAppStore, type AppStore } from '../state/store.js';

/** jsdom has no layout: scrollers get a height so the virtual lists render a window of rows. */
export function stubLayout(): void {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 400 });
  HTMLElement.prototype.scrollIntoView = function () {};
}

/** Renders the app over `api` and returns its store. */
export function mountApp(api: WirelensApi): AppStore {
  const store = createAppStore(api);
  render(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
  );
  return store;
}
