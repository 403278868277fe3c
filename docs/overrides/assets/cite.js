/* Copy buttons of the "Cite this page" box. No network, no library: the text to copy is on the page.
   One delegated listener, so it keeps working when Material's instant navigation swaps the content. */
(function () {
  "use strict";

  function fallbackCopy(text) {
    // For pages opened from file:// or plain http, where navigator.clipboard is not available.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function say(button, label) {
    var original = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", original);
    button.textContent = label;
    window.setTimeout(function () { button.textContent = original; }, 2000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) return;
    // Material renames the id of every <pre> to "__code_<id>" when it sets up its code blocks.
    var id = button.getAttribute("data-copy");
    var source = document.getElementById(id) || document.getElementById("__code_" + id);
    if (!source) return;
    var text = source.innerText.replace(/\s+$/, "");
    copy(text).then(
      function () { say(button, "Copied"); },
      function () { say(button, "Select the text and copy it"); }
    );
  });
})();
