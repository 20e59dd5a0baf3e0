// Signpost's embed script: defines <signpost-widget> and mounts the Yew app into its shadow root.
// One module script and no inline code, so it works under a strict Content-Security-Policy.
import init, { mount } from './signpost_widget.js';

const here = new URL('.', import.meta.url);
// Start fetching and compiling the wasm at once, in parallel with the page's own work.
const ready = init({ module_or_path: new URL('signpost_widget_bg.wasm', here) });

class SignpostWidget extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    // Open, so assistive technology and axe-core reach inside; the host's CSS cannot.
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL('signpost.css', here).href;
    const container = document.createElement('div');
    container.className = 'sp-root';
    root.append(style, container);
    ready.then(() => {
      if (this.isConnected) this.widget = mount(this, container, here.href);
    }, (error) => {
      container.textContent = 'This form could not load. Please try again later, or contact your GP practice.';
      console.error('signpost: the widget failed to load', error);
    });
  }

  disconnectedCallback() {
    // Removing the element forgets everything the widget held about the person.
    this.widget?.unmount();
    this.widget = undefined;
  }
}

if (!customElements.get('signpost-widget')) {
  customElements.define('signpost-widget', SignpostWidget);
}
