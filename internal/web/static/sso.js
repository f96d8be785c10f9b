// Single sign-on's own script: it sends the SAML POST-binding form at once. Without it the
// page shows the form's button, which does the same.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("sso-post");
    if (form) { form.submit(); }
  });
})();
