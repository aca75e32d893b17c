/* Starts Swagger UI on /api/v1/docs; the spec URL and options come from data attributes
   (no inline script, so the content security policy needs no 'unsafe-inline'). */
window.addEventListener("load", function () {
  var container = document.getElementById("swagger-ui-container");
  var config = { url: container.dataset.specUrl, dom_id: "#swagger-ui-container" };
  var extra = JSON.parse(container.dataset.config || "{}");
  for (var name in extra) { config[name] = extra[name]; }
  window.ui = SwaggerUIBundle(config);
});
