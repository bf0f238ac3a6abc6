/* Show the chosen file's name beside the Chinese "选择文件" button. */
(function () {
  "use strict";
  document.querySelectorAll(".file-pick").forEach(function (label) {
    var input = document.getElementById(label.getAttribute("for"));
    var name = label.querySelector(".file-name");
    if (!input || !name) {
      return;
    }
    input.addEventListener("change", function () {
      name.textContent = input.files.length ? input.files[0].name : name.dataset.empty;
    });
  });
}());
