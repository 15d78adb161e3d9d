import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { chooseApi } from './api/client.js';
import { StoreContext } from './state/context.js';
import { createAppStore } from './state/store.js';
import './styles.css';

const { api, kind } = chooseApi();
const store = createAppStore(api);
document.documentElement.dataset.host = kind;
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </StrictMode>,
  );
}
