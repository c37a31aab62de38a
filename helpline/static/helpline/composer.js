/* The ticket page: files for a reply (picked or dropped, listed with remove buttons, kept across a refused
   send) and email frames (sandboxed, no script inside: sized, themed and their links opened from here). */
(function () {
  "use strict";
  var pending = new DataTransfer(); // the files of the reply being written; the composer is swapped on send

  function replyForm() {
    return document.querySelector('#composer form[data-composer="reply"]');
  }

  function totalSize() {
    return Array.from(pending.files).reduce(function (sum, file) { return sum + file.size; }, 0);
  }

  function tooLarge(form) {
    return totalSize() > Number(form.dataset.maxUpload || Infinity);
  }

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function render(form) {
    var input = form.querySelector("[data-file-input]");
    var list = form.querySelector("[data-file-list]");
    var error = form.querySelector("[data-file-error]");
    if (!input || !list) return;
    input.files = pending.files;
    list.textContent = "";
    Array.from(pending.files).forEach(function (file, index) {
      var item = document.createElement("li");
      item.className = "composer__file";
      item.dataset.file = file.name;
      var name = document.createElement("span");
      name.className = "composer__file-name";
      name.textContent = file.name;
      var size = document.createElement("span");
      size.className = "muted";
      size.textContent = formatSize(file.size);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "composer__remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", (list.dataset.removeLabel || "Remove") + " " + file.name);
      remove.addEventListener("click", function () { removeFile(index); });
      item.append(name, size, remove);
      list.appendChild(item);
    });
    if (error) {
      error.hidden = !tooLarge(form);
      error.textContent = tooLarge(form) ? form.dataset.tooLarge : "";
    }
  }

  function addFiles(files) {
    var form = replyForm();
    if (!form) return;
    Array.from(files || []).forEach(function (file) { pending.items.add(file); });
    render(form);
  }

  window.HelplineComposer = { addFiles: addFiles }; // editor.js adds pasted and dropped images here

  function removeFile(index) {
    var next = new DataTransfer();
    Array.from(pending.files).forEach(function (file, i) { if (i !== index) next.items.add(file); });
    pending = next;
    var form = replyForm();
    if (form) render(form);
  }

  function hasFiles(event) {
    return event.dataTransfer && Array.from(event.dataTransfer.types || []).indexOf("Files") !== -1;
  }

  document.addEventListener("change", function (event) {
    if (!event.target.matches || !event.target.matches("#composer [data-file-input]")) return;
    var chosen = Array.from(event.target.files);
    event.target.value = "";
    addFiles(chosen);
  });

  document.addEventListener("dragover", function (event) {
    var composer = event.target.closest && event.target.closest("#composer");
    if (!composer || !hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    composer.classList.add("composer--dragging");
  });

  document.addEventListener("dragleave", function (event) {
    var composer = event.target.closest && event.target.closest("#composer");
    if (composer && !composer.contains(event.relatedTarget)) composer.classList.remove("composer--dragging");
  });

  document.addEventListener("drop", function (event) {
    var composer = event.target.closest && event.target.closest("#composer");
    if (!composer || !event.dataTransfer || !event.dataTransfer.files.length) return;
    event.preventDefault();
    composer.classList.remove("composer--dragging");
    if (window.Alpine && composer._x_dataStack) window.Alpine.$data(composer).mode = "reply";
    addFiles(event.dataTransfer.files);
  });

  // A reply over the size limit is not sent; the message under the file list says why.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches('form[data-composer="reply"]') && tooLarge(form)) event.preventDefault();
  });

  // The composer comes back after a send: refused (keep the files) or sent (start afresh).
  document.addEventListener("htmx:afterSettle", function (event) {
    var form = replyForm();
    if (!form || !(event.detail.target && event.detail.target.id === "composer")) return;
    if (!form.closest("#composer").querySelector("[data-composer-error]")) pending = new DataTransfer();
    render(form);
  });

  // ---- Email frames ----
  var prepared = new WeakSet();

  function frameTheme() {
    return document.documentElement.dataset.theme || "";
  }

  function sizeFrame(frame) {
    var doc = frame.contentDocument;
    if (!doc || !doc.body || !frame.offsetParent) return;
    frame.style.height = Math.ceil(Math.max(doc.body.scrollHeight, doc.body.offsetHeight)) + 2 + "px";
  }

  function prepareFrame(frame) {
    var doc = frame.contentDocument;
    if (!doc || !doc.documentElement) return;
    if (frameTheme()) doc.documentElement.dataset.theme = frameTheme();
    else delete doc.documentElement.dataset.theme;
    if (!prepared.has(doc)) { // a frame's first document is an empty about:blank; its srcdoc replaces it
      prepared.add(doc);
      doc.addEventListener("click", function (event) {
        var link = event.target.closest && event.target.closest("a[href]");
        if (!link) return;
        event.preventDefault();
        if (/^(https?:|mailto:|tel:)/i.test(link.href)) window.open(link.href, "_blank", "noopener");
      });
      Array.from(doc.images).forEach(function (img) {
        img.addEventListener("load", function () { sizeFrame(frame); });
      });
    }
    sizeFrame(frame);
  }

  function eachFrame(root, fn) {
    (root || document).querySelectorAll("iframe[data-email-frame]").forEach(fn);
  }

  document.addEventListener("load", function (event) {
    if (event.target.matches && event.target.matches("iframe[data-email-frame]")) prepareFrame(event.target);
  }, true);

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-quote-toggle]");
    if (!toggle) return;
    requestAnimationFrame(function () {
      eachFrame(document.getElementById(toggle.getAttribute("aria-controls")), prepareFrame);
    });
  });

  window.addEventListener("resize", function () { eachFrame(document, sizeFrame); });
  new MutationObserver(function () { eachFrame(document, prepareFrame); })
    .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });

  function ready() {
    eachFrame(document, function (frame) {
      if (frame.contentDocument && frame.contentDocument.readyState === "complete") prepareFrame(frame);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
  document.addEventListener("htmx:afterSettle", function () { ready(); });
})();
