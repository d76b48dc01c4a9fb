// The API reference (/docs): Swagger UI over the OpenAPI document, from the vendored bundle.
(function () {
  "use strict";

  const root = document.getElementById("swagger-ui");
  SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    // The validator badge would fetch an image from the validator's public server.
    validatorUrl: null,
    persistAuthorization: false,
  });
})();
