// Passkeys: registering one on the account page and signing in with one on the sign-in page.
// The buttons are hidden until this script finds WebAuthn in the browser; everything else works
// without it.
(function () {
  "use strict";
  function toBytes(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }
  function toB64(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
      body: body ? JSON.stringify(body) : "{}"}).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) { throw new Error(j.error || r.status); } return j; });
    });
  }
  function fail(button) {
    return function () {
      var el = document.getElementById("passkey-error");
      if (el) { el.textContent = button.getAttribute("data-error"); el.hidden = false; }
    };
  }
  function register(button) {
    post("/account/passkeys/begin").then(function (opt) {
      var pk = opt.publicKey;
      pk.challenge = toBytes(pk.challenge);
      pk.user.id = toBytes(pk.user.id);
      (pk.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
      return navigator.credentials.create({publicKey: pk});
    }).then(function (cred) {
      var name = document.getElementById("passkey-name").value;
      return post("/account/passkeys/finish?name=" + encodeURIComponent(name), {
        id: cred.id, rawId: toB64(cred.rawId), type: cred.type,
        response: {attestationObject: toB64(cred.response.attestationObject), clientDataJSON: toB64(cred.response.clientDataJSON)}
      });
    }).then(function (res) { window.location.assign(res.next); }).catch(fail(button));
  }
  function signIn(button) {
    post(button.getAttribute("data-begin")).then(function (opt) {
      var pk = opt.publicKey;
      pk.challenge = toBytes(pk.challenge);
      (pk.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
      return navigator.credentials.get({publicKey: pk});
    }).then(function (a) {
      return post(button.getAttribute("data-finish") + "?next=" + encodeURIComponent(button.getAttribute("data-next") || "/"), {
        id: a.id, rawId: toB64(a.rawId), type: a.type,
        response: {authenticatorData: toB64(a.response.authenticatorData), clientDataJSON: toB64(a.response.clientDataJSON),
          signature: toB64(a.response.signature), userHandle: a.response.userHandle ? toB64(a.response.userHandle) : ""}
      });
    }).then(function (res) { window.location.assign(res.next); }).catch(fail(button));
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.PublicKeyCredential || !navigator.credentials) { return; }
    var add = document.getElementById("passkey-add-button");
    if (add) {
      document.getElementById("passkey-add").hidden = false;
      add.addEventListener("click", function () { register(add); });
    }
    var login = document.getElementById("passkey-login-button");
    if (login) {
      document.getElementById("passkey-login").hidden = false;
      login.addEventListener("click", function () { signIn(login); });
    }
  });
})();
