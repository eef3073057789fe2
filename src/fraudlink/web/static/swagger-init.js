// Starts Swagger UI on /docs from a file rather than an inline script, so the pages' Content
// Security Policy can forbid inline scripts everywhere.
window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
  });
});
