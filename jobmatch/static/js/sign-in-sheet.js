/* The sign-in sheet saves a tap at once, without reloading the page: the form is posted as it
   would be anyway, and the trainee's card is replaced by the one in the page that comes back.
   Without this script every form still works, with a page load per tap. */
(function () {
  "use strict";
  var sheet = document.querySelector(".sign-in-sheet");
  var status = document.getElementById("sheet-status");
  if (!sheet || !window.fetch || !window.DOMParser) {
    return;
  }

  function say(text, isError) {
    if (!status) {
      return;
    }
    status.textContent = text;
    status.className = "notice " + (isError ? "notice-error" : "notice-success");
    status.hidden = !text;
  }

  sheet.addEventListener("submit", function (event) {
    var form = event.target;
    var card = form.closest("li.trainee");
    if (!card) {
      return;
    }
    event.preventDefault();
    var buttons = card.querySelectorAll("button");
    buttons.forEach(function (button) { button.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "text/html" }
    }).then(function (response) {
      return response.text().then(function (html) { return { ok: response.ok, html: html }; });
    }).then(function (answer) {
      var page = new DOMParser().parseFromString(answer.html, "text/html");
      var fresh = page.getElementById(card.id);
      if (!answer.ok || !fresh) {
        form.submit();  // let the browser show the server's answer in full
        return;
      }
      card.replaceWith(fresh);
      var count = page.querySelector("[data-signed]");
      var shown = document.querySelector("[data-signed]");
      if (count && shown) {
        shown.textContent = count.textContent;
      }
      var history = page.getElementById("history-section");
      var mine = document.getElementById("history-section");
      if (history && mine) {
        mine.replaceWith(history);
      }
      var notice = page.querySelector("main .notice");
      var failed = fresh.querySelector(".field-error");
      say(failed ? failed.textContent : (notice ? notice.textContent : ""), Boolean(failed));
      var focus = fresh.querySelector("button, summary");
      if (focus) {
        focus.focus();
      }
    }).catch(function () {
      buttons.forEach(function (button) { button.disabled = false; });
      say("网络不通，未保存。请稍后再点一次。", true);
    });
  });
}());
