// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';
import { configure } from '@testing-library/react';

// The machine running the tests may be busy; give asynchronous UI assertions time to settle.
configure({ asyncUtilTimeout: 5000 });

// jsdom has no canvas; @grafana/ui sizes Combobox and the time picker with measureText, so give it
// a 2D context that measures text at a fixed width per character.
HTMLCanvasElement.prototype.getContext = () => ({
  font: '',
  measureText: (text) => ({ width: 7 * String(text).length }),
});
