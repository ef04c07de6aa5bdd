// jsdom has <dialog> and its `open` attribute, but not showModal() or close(). This gives them
// just enough behaviour for components to open and close one; focus trapping, Escape and focus
// return are the browser's, and are checked end to end in Chromium.
export function installDialogPolyfill(): void {
  const proto = HTMLDialogElement.prototype;
  if (typeof proto.showModal === 'function') return;
  proto.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  proto.show = proto.showModal;
  proto.close = function close(this: HTMLDialogElement) {
    if (!this.hasAttribute('open')) return;
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
}
