/* Start swagger-ui on /api/docs with the settings the page carries as JSON. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-ui-config").textContent);
  window.addEventListener("load", function () {
    window.ui = window.SwaggerUIBundle(config);
  });
}());
