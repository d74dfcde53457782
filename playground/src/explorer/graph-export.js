// Saving the drawn graph as a file: PNG through cytoscape's own `png()`,
// SVG through the cytoscape-svg extension; both the whole graph (not just
// what is in view) on a white background, named after the root node.
import cytoscape from 'cytoscape';
import svg from 'cytoscape-svg';

cytoscape.use(svg);

/** A file name from an id: `graph-person-berik-asylov`. */
export const fileStem = (id) => `graph-${id.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '')}`;

/** Offers `blob` to the browser as a download called `name`. */
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function exportPng(cy, id) {
  const blob = cy.png({ output: 'blob', full: true, bg: '#ffffff', scale: 2, maxWidth: 8000, maxHeight: 8000 });
  download(blob, `${fileStem(id)}.png`);
}

export function exportSvg(cy, id) {
  const text = cy.svg({ full: true, bg: '#ffffff', scale: 1 });
  download(new Blob([text], { type: 'image/svg+xml' }), `${fileStem(id)}.svg`);
}
