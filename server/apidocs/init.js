// Renders the spec this listener serves with Redoc. Everything the page
// loads comes from this listener: no CDN, no web fonts.
Redoc.init("/openapi.yaml", {
  hideHostname: false,
  expandResponses: "200,202",
  pathInMiddlePanel: true,
  theme: { typography: { fontFamily: "system-ui, sans-serif", headings: { fontFamily: "system-ui, sans-serif" }, code: { fontFamily: "ui-monospace, monospace" } } }
}, document.getElementById("redoc-container"));
